package org.callrec.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;

/**
 * Runs Kafka and S3 for the local run, keeping their data on disk, until SIGTERM or SIGINT.
 *
 * <pre>
 * cd embedded-infra
 * java -cp target/embedded-infra-0.1.0-SNAPSHOT.jar:$(cat target/classpath.txt) org.callrec.infra.LocalInfra
 * </pre>
 *
 * <p>Environment variables:
 * <table>
 *   <caption>Configuration</caption>
 *   <tr><th>Variable</th><th>Meaning</th><th>Default</th></tr>
 *   <tr><td>{@code CALLREC_KAFKA_PORT}</td><td>Kafka client port on 127.0.0.1</td><td>9092</td></tr>
 *   <tr><td>{@code CALLREC_S3_HOST}</td><td>S3 bind address</td><td>127.0.0.1</td></tr>
 *   <tr><td>{@code CALLREC_S3_PORT}</td><td>S3 port</td><td>9000</td></tr>
 *   <tr><td>{@code CALLREC_S3_BUCKET}</td><td>bucket created at start</td><td>recordings</td></tr>
 *   <tr><td>{@code CALLREC_S3_ACCESS_KEY}</td><td>S3 access key</td><td>callrec</td></tr>
 *   <tr><td>{@code CALLREC_S3_SECRET_KEY}</td><td>S3 secret key</td><td>callrec-secret</td></tr>
 *   <tr><td>{@code CALLREC_DATA_DIR}</td><td>data root: Kafka in {@code kafka/}, S3 in {@code s3/},
 *       PostgreSQL in {@code postgres/}</td><td>./.local/data</td></tr>
 *   <tr><td>{@code CALLREC_POSTGRES_PORT}</td><td>PostgreSQL port on 127.0.0.1; unset: no PostgreSQL</td>
 *       <td>(unset)</td></tr>
 *   <tr><td>{@code CALLREC_POSTGRES_USER}</td><td>owner of the database {@code callrec}</td><td>callrec</td></tr>
 *   <tr><td>{@code CALLREC_POSTGRES_PASSWORD_FILE}</td><td>file holding that user's password (first line)</td>
 *       <td>(unset)</td></tr>
 *   <tr><td>{@code CALLREC_POSTGRES_PASSWORD}</td><td>the password, when no file is given</td><td>callrec</td></tr>
 * </table>
 *
 * <p>Broker properties of the embedded Kafka: {@code -Dkafka.broker.<key>=<value>} (through
 * {@code CALLREC_INFRA_OPTS} in {@code run.sh}) sets {@code <key>}, over this class's defaults;
 * the listeners and roles cannot be changed.
 *
 * <p>PostgreSQL starts only when {@code CALLREC_POSTGRES_PORT} is set: it then creates (once) the
 * database {@value #POSTGRES_DATABASE} owned by the user, with the password from the file or the
 * variable (never printed). Its data directory is kept like Kafka's.
 *
 * <p>Prints the addresses and credentials, then exactly the line {@value #READY_LINE} on stdout
 * once every server accepts clients; scripts wait for that line. Logs go to stderr (slf4j-simple,
 * Kafka at WARN; override with {@code -Dorg.slf4j.simpleLogger.log.<category>=<level>}). On
 * SIGTERM/SIGINT both servers are closed and {@value #STOPPED_LINE} is printed; the JVM then exits
 * with the usual status for the signal (143 or 130). Exit status 1 if start-up fails.
 */
public final class LocalInfra {

    /** The database created for the services when PostgreSQL runs. */
    public static final String POSTGRES_DATABASE = "callrec";

    /** Printed on stdout when every server accepts clients. */
    public static final String READY_LINE = "INFRA READY";
    /** Printed on stdout after a clean shutdown. */
    public static final String STOPPED_LINE = "INFRA STOPPED";
    /** System properties with this prefix are broker properties of the embedded Kafka. */
    static final String BROKER_PROPERTY_PREFIX = "kafka.broker.";

    private EmbeddedKafka kafka;
    private EmbeddedS3 s3;
    private EmbeddedPostgreSql postgres;

    private LocalInfra() {
    }

    public static void main(String[] args) throws InterruptedException {
        quietLogging();
        LocalInfra infra = new LocalInfra();
        Runtime.getRuntime().addShutdownHook(new Thread(infra::stop, "local-infra-shutdown"));
        try {
            infra.start(System.getenv());
        } catch (RuntimeException e) {
            // Kafka has logged the stack trace already; the cause chain says what to fix
            System.err.println("Local infrastructure failed to start: " + causeChain(e));
            System.exit(1);
        }
        System.out.println(READY_LINE);
        System.out.flush();
        new CountDownLatch(1).await(); // until a signal runs the shutdown hook
    }

    private void start(Map<String, String> env) {
        int kafkaPort = intEnv(env, "CALLREC_KAFKA_PORT", 9092);
        String s3Host = env.getOrDefault("CALLREC_S3_HOST", "127.0.0.1");
        int s3Port = intEnv(env, "CALLREC_S3_PORT", 9000);
        String bucket = env.getOrDefault("CALLREC_S3_BUCKET", "recordings");
        String accessKey = env.getOrDefault("CALLREC_S3_ACCESS_KEY", EmbeddedS3.DEFAULT_ACCESS_KEY);
        String secretKey = env.getOrDefault("CALLREC_S3_SECRET_KEY", EmbeddedS3.DEFAULT_SECRET_KEY);
        Path dataDir = Path.of(env.getOrDefault("CALLREC_DATA_DIR", "./.local/data")).toAbsolutePath().normalize();

        EmbeddedKafka.Builder kafkaBuilder = EmbeddedKafka.builder().port(kafkaPort).logDir(dataDir.resolve("kafka"));
        brokerProperties(System.getProperties()).forEach(kafkaBuilder::brokerProperty);
        EmbeddedKafka startedKafka = kafkaBuilder.start();
        synchronized (this) {
            kafka = startedKafka;
        }
        EmbeddedS3 startedS3 = EmbeddedS3.builder()
                .host(s3Host)
                .port(s3Port)
                .dataDir(dataDir.resolve("s3"))
                .credentials(accessKey, secretKey)
                .start();
        synchronized (this) {
            s3 = startedS3;
        }
        startedS3.createBucket(bucket);

        System.out.println("Kafka bootstrap servers: " + startedKafka.bootstrapServers()
                + "  (data: " + startedKafka.logDir() + ")");
        System.out.println("S3 endpoint:             " + startedS3.endpoint() + "  (data: " + dataDir.resolve("s3") + ")");
        System.out.println("S3 bucket:               " + bucket);
        System.out.println("S3 access key:           " + startedS3.accessKey());
        // never the secret itself: this output is a log file
        System.out.println("S3 secret key:           " + (env.containsKey("CALLREC_S3_SECRET_KEY")
                ? "from CALLREC_S3_SECRET_KEY (not printed)" : "the development default (EmbeddedS3.DEFAULT_SECRET_KEY)"));

        if (env.get("CALLREC_POSTGRES_PORT") != null && !env.get("CALLREC_POSTGRES_PORT").isBlank()) {
            startPostgres(env, dataDir.resolve("postgres"));
        }
    }

    private void startPostgres(Map<String, String> env, Path dir) {
        int port = intEnv(env, "CALLREC_POSTGRES_PORT", 5432);
        String user = env.getOrDefault("CALLREC_POSTGRES_USER", "callrec");
        String passwordFile = env.get("CALLREC_POSTGRES_PASSWORD_FILE");
        String password;
        if (passwordFile != null && !passwordFile.isBlank()) {
            try {
                password = Files.readString(Path.of(passwordFile)).lines().findFirst().orElse("").strip();
            } catch (IOException e) {
                throw new IllegalArgumentException("CALLREC_POSTGRES_PASSWORD_FILE cannot be read: " + passwordFile, e);
            }
            if (password.isEmpty()) {
                throw new IllegalArgumentException("CALLREC_POSTGRES_PASSWORD_FILE holds no password: " + passwordFile);
            }
        } else {
            password = env.getOrDefault("CALLREC_POSTGRES_PASSWORD", "callrec");
        }
        EmbeddedPostgreSql started = EmbeddedPostgreSql.builder().port(port).dataDir(dir).start();
        synchronized (this) {
            postgres = started;
        }
        started.createDatabase(POSTGRES_DATABASE, user, password);
        System.out.println("PostgreSQL JDBC URL:     " + started.jdbcUrl(POSTGRES_DATABASE) + "  (data: " + dir + ")");
        System.out.println("PostgreSQL user:         " + user + "  (password "
                + (passwordFile != null && !passwordFile.isBlank() ? "from CALLREC_POSTGRES_PASSWORD_FILE"
                        : env.containsKey("CALLREC_POSTGRES_PASSWORD") ? "from CALLREC_POSTGRES_PASSWORD" : "the development default")
                + ", not printed)");
    }

    /** Closes PostgreSQL, S3, then Kafka; runs in the shutdown hook, also after a failed start. */
    private synchronized void stop() {
        boolean anything = s3 != null || kafka != null || postgres != null;
        try {
            if (postgres != null) {
                postgres.close();
            }
        } catch (RuntimeException e) {
            System.err.println("Stopping PostgreSQL failed: " + e);
        } finally {
            postgres = null;
        }
        try {
            if (s3 != null) {
                s3.close();
            }
        } catch (RuntimeException e) {
            System.err.println("Stopping S3 failed: " + e);
        } finally {
            s3 = null;
            try {
                if (kafka != null) {
                    kafka.close();
                }
            } catch (RuntimeException e) {
                System.err.println("Stopping Kafka failed: " + e);
            } finally {
                kafka = null;
            }
        }
        if (anything) {
            System.out.println(STOPPED_LINE);
            System.out.flush();
        }
    }

    private static String causeChain(Throwable e) {
        StringBuilder chain = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            chain.append("\n  caused by: ").append(cause);
        }
        return chain.toString();
    }

    private static int intEnv(Map<String, String> env, String name, int defaultValue) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " is not a number: " + value, e);
        }
    }

    /**
     * The broker properties given as {@code -D}{@value #BROKER_PROPERTY_PREFIX}{@code <key>=<value>}
     * (for instance {@code CALLREC_INFRA_OPTS=-Dkafka.broker.num.io.threads=2}), prefix removed.
     */
    static Map<String, String> brokerProperties(Properties system) {
        Map<String, String> broker = new TreeMap<>();
        for (String name : system.stringPropertyNames()) {
            if (name.startsWith(BROKER_PROPERTY_PREFIX) && name.length() > BROKER_PROPERTY_PREFIX.length()) {
                broker.put(name.substring(BROKER_PROPERTY_PREFIX.length()), system.getProperty(name));
            }
        }
        return broker;
    }

    /**
     * Logging defaults for slf4j-simple (the backend on this module's class path): must run
     * before the first logger is created. {@code -D} options given on the command line win.
     */
    private static void quietLogging() {
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "info");
        setIfAbsent("org.slf4j.simpleLogger.log.org.apache.kafka", "warn");
        setIfAbsent("org.slf4j.simpleLogger.log.kafka", "warn");
        setIfAbsent("org.slf4j.simpleLogger.log.state.change.logger", "warn");
        setIfAbsent("org.slf4j.simpleLogger.log.org.gaul", "warn");
        // the postgres child process's own log lines come through this logger
        setIfAbsent("org.slf4j.simpleLogger.log.io.zonky", "warn");
        setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
        setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
