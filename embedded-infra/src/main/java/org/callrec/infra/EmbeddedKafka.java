package org.callrec.infra;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;

/**
 * A real single-node Kafka broker running in this JVM: KRaft mode, one process acting as both
 * broker and controller ({@code process.roles=broker,controller}), plaintext on 127.0.0.1.
 *
 * <p>Two ways to start it:
 * <ul>
 *   <li>{@link #start()}: random ports and a temporary log directory deleted on {@link #close()};
 *       for tests.</li>
 *   <li>{@link #start(int, Path)}: a fixed client port and a log directory that is kept; the
 *       directory is formatted on first use and reused as it is on later starts; for the local
 *       run.</li>
 * </ul>
 * {@link #builder()} gives access to the partition count and extra broker properties.
 *
 * <p>Both ways run the same code: {@link KafkaRaftServer} on a log directory formatted with
 * {@link StorageTool}, a static one-voter quorum ({@code controller.quorum.voters}). The
 * controller listener always takes a free ephemeral port: clients never see it, and with a static
 * quorum it is not written into the log directory, so it may change from one start to the next.
 *
 * <p>Replication factors of the internal topics are 1, the group rebalance delay is 0 and topics
 * are created automatically with {@value #DEFAULT_PARTITIONS} partitions unless configured
 * otherwise.
 *
 * <p>Kafka logs a lot at INFO: set the categories {@code org.apache.kafka}, {@code kafka} and
 * {@code state.change.logger} to WARN in whatever logging backend runs this class.
 */
public final class EmbeddedKafka implements AutoCloseable {

    /** Partitions of automatically created topics unless {@link Builder#partitions(int)} says otherwise. */
    public static final int DEFAULT_PARTITIONS = 3;

    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    /** Attempts when ports are picked at random, in case another process takes one in between. */
    private static final int RANDOM_PORT_ATTEMPTS = 3;

    private final KafkaRaftServer server;
    private final int port;
    private final Path logDir;
    private final boolean deleteLogDirOnClose;
    private boolean closed;

    private EmbeddedKafka(KafkaRaftServer server, int port, Path logDir, boolean deleteLogDirOnClose) {
        this.server = server;
        this.port = port;
        this.logDir = logDir;
        this.deleteLogDirOnClose = deleteLogDirOnClose;
    }

    /** Starts a broker on a random port with a temporary log directory (deleted on close). */
    public static EmbeddedKafka start() {
        return builder().start();
    }

    /**
     * Starts a broker on a fixed client port, keeping its data in {@code logDir} (created and
     * formatted if needed, reused as it is otherwise).
     */
    public static EmbeddedKafka start(int port, Path logDir) {
        return builder().port(port).logDir(logDir).start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The bootstrap servers for clients, e.g. {@code 127.0.0.1:9092}. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    /** The client (PLAINTEXT) port. */
    public int port() {
        return port;
    }

    /** The log directory (temporary for {@link #start()}). */
    public Path logDir() {
        return logDir;
    }

    /** Shuts the broker down and waits for it; deletes a temporary log directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            if (deleteLogDirOnClose) {
                Directories.deleteRecursively(logDir);
            }
        }
    }

    /** Options for {@link EmbeddedKafka}; {@link #start()} starts the broker. */
    public static final class Builder {
        private int port;
        private Path logDir;
        private int partitions = DEFAULT_PARTITIONS;
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();

        private Builder() {
        }

        /** Client port; 0 (the default) picks a free one. */
        public Builder port(int port) {
            this.port = Ports.checked(port);
            return this;
        }

        /** Log directory kept between starts; {@code null} (the default) uses a temporary one. */
        public Builder logDir(Path logDir) {
            this.logDir = logDir;
            return this;
        }

        /** {@code num.partitions} of automatically created topics. Defaults to 3. */
        public Builder partitions(int partitions) {
            if (partitions < 1) {
                throw new IllegalArgumentException("partitions must be >= 1: " + partitions);
            }
            this.partitions = partitions;
            return this;
        }

        /** Any broker property; overrides the defaults of this class (but not listeners or roles). */
        public Builder brokerProperty(String key, String value) {
            brokerProperties.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
            return this;
        }

        /** Formats the log directory if needed and starts the broker; returns once it serves clients. */
        public EmbeddedKafka start() {
            boolean temporary = logDir == null;
            Path dir = Directories.createOrTemporary(logDir, "embedded-kafka-", "Kafka log directory");
            try {
                int attempts = port == 0 ? RANDOM_PORT_ATTEMPTS : 1;
                for (int attempt = 1; ; attempt++) {
                    int clientPort = port == 0 ? Ports.pick(HOST) : port;
                    // two picks in a row can return the same free port: the broker refuses that
                    int controllerPort = Ports.pickOtherThan(HOST, clientPort);
                    Properties props = brokerConfig(clientPort, controllerPort, dir);
                    formatIfNeeded(props, dir);
                    try {
                        return new EmbeddedKafka(startServer(props), clientPort, dir, temporary);
                    } catch (RuntimeException e) {
                        if (attempt >= attempts || !isBindFailure(e)) {
                            throw e;
                        }
                        // a random port was taken between picking it and binding it: pick again
                    }
                }
            } catch (RuntimeException | Error e) {
                if (temporary) {
                    Directories.deleteRecursively(dir);
                }
                throw e;
            }
        }

        private Properties brokerConfig(int clientPort, int controllerPort, Path dir) {
            Properties props = new Properties();
            // Defaults, which brokerProperty(...) may override
            props.put("num.partitions", Integer.toString(partitions));
            props.put("default.replication.factor", "1");
            props.put("min.insync.replicas", "1");
            props.put("auto.create.topics.enable", "true");
            props.put("offsets.topic.replication.factor", "1");
            // one partition is plenty on one node and makes the first consumer group join fast
            props.put("offsets.topic.num.partitions", "1");
            props.put("transaction.state.log.replication.factor", "1");
            props.put("transaction.state.log.min.isr", "1");
            props.put("transaction.state.log.num.partitions", "1");
            props.put("share.coordinator.state.topic.replication.factor", "1");
            props.put("share.coordinator.state.topic.min.isr", "1");
            props.put("group.initial.rebalance.delay.ms", "0");
            props.putAll(brokerProperties);
            // Topology: not overridable, the rest of this class depends on it
            props.put("process.roles", "broker,controller");
            props.put("node.id", Integer.toString(NODE_ID));
            props.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
            props.put("listeners", "PLAINTEXT://" + HOST + ":" + clientPort
                    + ",CONTROLLER://" + HOST + ":" + controllerPort);
            props.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + clientPort);
            props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            props.put("inter.broker.listener.name", "PLAINTEXT");
            props.put("controller.listener.names", "CONTROLLER");
            props.put("log.dirs", dir.toString());
            return props;
        }
    }

    /** Runs {@code kafka-storage format --ignore-formatted} unless the directory is formatted. */
    private static void formatIfNeeded(Properties props, Path dir) {
        if (Files.exists(dir.resolve("meta.properties"))) {
            return;
        }
        Path configFile = null;
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try {
            configFile = Files.createTempFile("embedded-kafka-", ".properties");
            try (OutputStream out = Files.newOutputStream(configFile)) {
                props.store(out, "embedded-kafka format");
            }
            int rc;
            try (PrintStream printStream = new PrintStream(output, true, StandardCharsets.UTF_8)) {
                rc = StorageTool.execute(new String[] {
                    "format",
                    "--cluster-id", Uuid.randomUuid().toString(),
                    "--config", configFile.toString(),
                    "--ignore-formatted"
                }, printStream);
            }
            if (rc != 0) {
                throw new IllegalStateException("Formatting Kafka log directory " + dir + " failed (exit "
                        + rc + "): " + output.toString(StandardCharsets.UTF_8).strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot format Kafka log directory " + dir, e);
        } finally {
            if (configFile != null) {
                Directories.deleteRecursively(configFile);
            }
        }
    }

    private static KafkaRaftServer startServer(Properties props) {
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        try {
            // returns once the broker is RUNNING: listeners bound, metadata caught up
            server.startup();
            return server;
        } catch (RuntimeException | Error e) {
            try {
                server.shutdown();
                server.awaitShutdown();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }
}
