package org.callrec.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import io.minio.MinioClient;

/**
 * The whole product on this machine: a real Kafka broker and a real S3 server (and PostgreSQL for
 * a stack with tenants), and control, ingest and storage as child processes wired to them on
 * free ports. Each service's management interface (health, metrics) is on a free port too, and a
 * service counts as up once its {@code /q/health/ready} answers 200 there.
 *
 * <p>The infrastructure is an {@link Infra}: in-process by default ({@link Infra.Kind#EMBEDDED}),
 * or the compose file's images in Docker ({@link Infra.Kind#CONTAINERS}) for the start methods
 * that take a kind; the services and the tests see only addresses and credentials.
 */
final class RecordingStack implements AutoCloseable {

    static final String BUCKET = "recordings";
    static final String TENANT = "acme";

    /** Kafka, S3 and (with tenants) PostgreSQL under this stack. */
    final Infra infra;
    final int controlPort;
    final int ingestHttpPort;
    final int udpMin;
    final int udpMax;
    final Path storageWorkDir;
    /** Extra configuration of every storage instance started from now on. */
    final Map<String, String> storageConfig = new LinkedHashMap<>();
    /** Extra configuration of control-service. */
    final Map<String, String> controlConfig = new LinkedHashMap<>();
    /** Extra configuration of every ingest node started from now on. */
    final Map<String, String> ingestConfig = new LinkedHashMap<>();
    private int storageHttpPort;
    private int storageManagementPort;
    private final List<ServiceProcess> extraStorages = new ArrayList<>();
    private ServiceProcess ingest;
    private ServiceProcess storage;
    private final java.util.List<ServiceProcess> extras = new java.util.concurrent.CopyOnWriteArrayList<>();
    private ServiceProcess control;
    /** Whether the stack runs the catalog: PostgreSQL, catalog-service, and control resolving tenants. */
    private boolean tenants;
    private ServiceProcess catalog;
    private int catalogHttpPort;
    /** The catalog's operator key (a stack with tenants). */
    final String operatorKey = java.util.HexFormat.of().formatHex(
            java.nio.ByteBuffer.allocate(16).putLong(ThreadLocalRandom.current().nextLong())
                    .putLong(ThreadLocalRandom.current().nextLong()).array());
    private final List<ServiceProcess> extraControls = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The service credential of this stack's control and ingest (a new token per stack, mode 600). */
    final Path internalTokenFile;

    private RecordingStack(Infra.Kind kind) throws IOException {
        this(kind, false, false);
    }

    /**
     * S3 credentials of this stack: real, random ones (no well-known default), as production
     * needs; storage reads the secret from {@link #s3SecretFile}, never from its command line.
     */
    private final String s3AccessKey = "e2e-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    private final String s3SecretKey = java.util.HexFormat.of().formatHex(
            java.nio.ByteBuffer.allocate(16).putLong(ThreadLocalRandom.current().nextLong())
                    .putLong(ThreadLocalRandom.current().nextLong()).array());
    private final Path s3SecretFile;

    private RecordingStack(Infra.Kind kind, boolean restartableKafka, boolean restartableS3) throws IOException {
        s3SecretFile = Files.createTempFile("callrec-e2e-s3-secret", "",
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        Files.writeString(s3SecretFile, s3SecretKey + "\n");
        infra = kind.start(new Infra.Options(restartableKafka, restartableS3, s3AccessKey, s3SecretKey));
        try {
            infra.createBucket(BUCKET);
        } catch (RuntimeException e) {
            infra.close();
            throw e;
        }
        controlPort = freePort();
        ingestHttpPort = freePort();
        udpMin = 20000 + ThreadLocalRandom.current().nextInt(400) * 100;
        udpMax = udpMin + 99;
        storageWorkDir = Files.createTempDirectory("callrec-storage-e2e");
        internalTokenFile = newTokenFile();
    }

    /** A file with a new random token, readable by this user only, as {@code run.sh} makes one. */
    static Path newTokenFile() throws IOException {
        byte[] random = new byte[32];
        new java.security.SecureRandom().nextBytes(random);
        Path file = Files.createTempFile("callrec-internal-token", "",
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, java.util.HexFormat.of().formatHex(random) + "\n");
        file.toFile().deleteOnExit();
        return file;
    }

    /** Starts infrastructure and the three services. */
    static RecordingStack start() throws IOException {
        return start(Infra.Kind.EMBEDDED);
    }

    /** Starts infrastructure of {@code kind} and the three services. */
    static RecordingStack start(Infra.Kind kind) throws IOException {
        return startServices(new RecordingStack(kind));
    }

    /**
     * Like {@link #start()}, but the S3 server keeps its objects on disk on a fixed port, so it
     * can be stopped and started again ({@link #stopS3()}, {@link #startS3()}); storage instances
     * get {@code storageConfig}, control-service {@code controlConfig} on top of their usual
     * configuration.
     */
    static RecordingStack startWithRestartableS3(Map<String, String> storageConfig, Map<String, String> controlConfig)
            throws IOException {
        return startWithRestartableS3(Infra.Kind.EMBEDDED, storageConfig, controlConfig);
    }

    /** {@link #startWithRestartableS3(Map, Map)} on infrastructure of {@code kind}. */
    static RecordingStack startWithRestartableS3(Infra.Kind kind, Map<String, String> storageConfig,
            Map<String, String> controlConfig) throws IOException {
        RecordingStack stack = new RecordingStack(kind, false, true);
        stack.storageConfig.putAll(storageConfig);
        stack.controlConfig.putAll(controlConfig);
        return startServices(stack);
    }

    /**
     * Like {@link #start()}, with {@code storageConfig} on top of every storage instance's
     * configuration and {@code controlConfig} on top of control-service's.
     */
    static RecordingStack start(Map<String, String> storageConfig, Map<String, String> controlConfig)
            throws IOException {
        return start(Infra.Kind.EMBEDDED, storageConfig, controlConfig);
    }

    /** {@link #start(Map, Map)} on infrastructure of {@code kind}. */
    static RecordingStack start(Infra.Kind kind, Map<String, String> storageConfig, Map<String, String> controlConfig)
            throws IOException {
        RecordingStack stack = new RecordingStack(kind);
        stack.storageConfig.putAll(storageConfig);
        stack.controlConfig.putAll(controlConfig);
        return startServices(stack);
    }

    /**
     * Starts the whole product with tenants: ingest, storage and PostgreSQL then catalog-service,
     * then control-service resolving every start's tenant from the registry the catalog publishes,
     * after {@code configure} set extra configuration.
     */
    static RecordingStack startWithTenants(java.util.function.Consumer<RecordingStack> configure) throws IOException {
        return startWithTenants(Infra.Kind.EMBEDDED, configure);
    }

    /** {@link #startWithTenants(java.util.function.Consumer)} on infrastructure of {@code kind}. */
    static RecordingStack startWithTenants(Infra.Kind kind, java.util.function.Consumer<RecordingStack> configure)
            throws IOException {
        RecordingStack stack = new RecordingStack(kind, false, false);
        stack.tenants = true;
        try {
            configure.accept(stack);
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
        return startServices(stack);
    }

    /** A step of {@link #startServices}. */
    private interface Step {
        void run() throws IOException;
    }

    /**
     * Starts the services of {@code stack}; closes it if one fails. Ingest, storage and (with
     * tenants) PostgreSQL then the catalog need only the broker and S3, so they start side by
     * side; control starts once they are all ready, as before: its readiness needs an ingest node
     * that answered, and with tenants the registry the catalog published.
     */
    private static RecordingStack startServices(RecordingStack stack) throws IOException {
        List<Step> steps = new ArrayList<>(List.of(stack::startIngest, stack::startStorage));
        if (stack.tenants) {
            steps.add(() -> {
                stack.infra.startPostgres("callrec", "callrec", "e2e-" + stack.operatorKey);
                stack.startCatalog();
            });
        }
        try {
            inParallel(steps);
            stack.startControl();
            return stack;
        } catch (IOException | RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    /** Runs {@code steps} each on a thread of its own and waits for all; rethrows the first failure. */
    private static void inParallel(List<Step> steps) throws IOException {
        List<java.util.concurrent.CompletableFuture<Void>> running = new ArrayList<>();
        for (Step step : steps) {
            running.add(java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    step.run();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, r -> new Thread(r, "stack-step").start()));
        }
        Throwable first = null;
        for (java.util.concurrent.CompletableFuture<Void> f : running) {
            try {
                f.join();
            } catch (java.util.concurrent.CompletionException e) {
                if (first == null) {
                    first = e.getCause();
                }
            }
        }
        if (first instanceof UncheckedIOException u) {
            throw u.getCause();
        }
        if (first instanceof RuntimeException r) {
            throw r;
        }
        if (first instanceof Error err) {
            throw err;
        }
    }

    /** Stops the S3 server: every request to it fails until {@link #startS3()}. */
    void stopS3() {
        infra.stopS3();
    }

    /** Starts the S3 server again on the same port with the objects it had. */
    void startS3() {
        infra.startS3();
    }

    /**
     * Starts infrastructure and the three services after {@code configure} set extra
     * configuration ({@link #ingestConfig}, {@link #storageConfig}, {@link #controlConfig}); with
     * {@code restartableKafka} the broker runs on a fixed port with a kept log directory, so
     * {@link #stopKafka()} and {@link #startKafkaAgain()} work.
     */
    static RecordingStack start(boolean restartableKafka, java.util.function.Consumer<RecordingStack> configure)
            throws IOException {
        return start(Infra.Kind.EMBEDDED, restartableKafka, configure);
    }

    /** {@link #start(boolean, java.util.function.Consumer)} on infrastructure of {@code kind}. */
    static RecordingStack start(Infra.Kind kind, boolean restartableKafka,
            java.util.function.Consumer<RecordingStack> configure) throws IOException {
        RecordingStack stack = new RecordingStack(kind, restartableKafka, false);
        try {
            configure.accept(stack);
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
        return startServices(stack);
    }

    /** Stops the broker (the services lose it) and keeps its data for {@link #startKafkaAgain()}. */
    void stopKafka() {
        infra.stopKafka();
    }

    /** Starts the broker again on the same port with the same data. */
    void startKafkaAgain() {
        infra.startKafka();
    }

    /** Kills the ingest node (SIGKILL: no shutdown of any kind). */
    void killIngest() {
        ingest.kill();
    }

    /** Stops the ingest node the way Kubernetes does (SIGTERM, then a bounded wait). */
    void stopIngest() {
        ingest.close();
    }

    /** Kills control-service (SIGKILL). */
    void killControl() {
        control.kill();
    }

    /** Kills the storage instance at once ({@code kill -9}). */
    void killStorage() {
        storage.kill();
    }

    /**
     * A further storage instance in the same consumer group, with its own work directory and
     * ports; stopped with the stack.
     */
    ServiceProcess addStorage() throws IOException {
        ServiceProcess p = startStorageProcess(Files.createTempDirectory("callrec-storage-e2e"), freePort(), freePort());
        extraStorages.add(p);
        return p;
    }

    /**
     * The readiness document of the (first) storage instance: from the management interface if
     * the service has one, else from its HTTP port.
     */
    Health storageReadiness() {
        for (int port : new int[] {storageManagementPort, storageHttpPort}) {
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/q/health/ready").toURL().openConnection();
                c.setConnectTimeout(1000);
                c.setReadTimeout(5000);
                int status = c.getResponseCode();
                if (status == 404) {
                    continue;
                }
                InputStream body = status >= 400 ? c.getErrorStream() : c.getInputStream();
                return new Health(status, body == null ? "" : new String(body.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException notThere) {
                // no management interface on this branch: the HTTP port serves health
            }
        }
        throw new IllegalStateException("storage answers readiness on neither port");
    }

    /** A health answer: HTTP status and JSON body. */
    record Health(int status, String body) {
        boolean up() {
            return status == 200;
        }
    }

    void startIngest() throws IOException {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("quarkus.http.port", Integer.toString(ingestHttpPort));
        c.put("kafka.bootstrap.servers", infra.kafkaBootstrapServers());
        c.put("ingest.node-id", "ingest-e2e");
        c.put("ingest.advertised-address", "127.0.0.1");
        c.put("ingest.bind-address", "127.0.0.1");
        c.put("ingest.ports.min", Integer.toString(udpMin));
        c.put("ingest.ports.max", Integer.toString(udpMax));
        c.put("ingest.ports.quarantine", "2s");
        c.put("ingest.api.token-file", internalTokenFile.toString());
        // one node and a shared, loaded CI machine: no refusal for a late event loop unless a test asks
        c.put("ingest.overload.max-event-loop-delay", "5s");
        c.putAll(ingestConfig);
        ingest = ServiceProcess.startReady("media-ingest-service", c, freePort());
    }

    void startStorage() throws IOException {
        storageHttpPort = freePort();
        storageManagementPort = freePort();
        storage = startStorageProcess(storageWorkDir, storageHttpPort, storageManagementPort);
    }

    private ServiceProcess startStorageProcess(Path workDir, int http, int management) throws IOException {
        Map<String, String> c = storageSettings(workDir, BUCKET);
        c.put("quarkus.http.port", Integer.toString(http));
        c.putAll(storageConfig);
        return ServiceProcess.startReady("storage-service", c, management);
    }

    /** What every storage instance of the stack is told: broker, S3, bucket, work directory, a free HTTP port. */
    private Map<String, String> storageSettings(Path workDir, String bucket) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("quarkus.http.port", Integer.toString(freePort()));
        c.put("kafka.bootstrap.servers", infra.kafkaBootstrapServers());
        c.put("storage.s3.endpoint", infra.s3Endpoint());
        c.put("storage.s3.access-key", infra.s3AccessKey());
        c.put("storage.s3.secret-key-file", s3SecretFile.toString());
        c.put("storage.s3.bucket", bucket);
        c.put("storage.work-dir", workDir.toString());
        return c;
    }


    /**
     * Starts one more storage service with its own consumer group and bucket (so it stores every
     * recording too), configured by {@code overrides}; closed with the stack.
     */
    ServiceProcess startExtraStorage(String bucket, Map<String, String> overrides) throws IOException {
        Map<String, String> c = storageSettings(Files.createTempDirectory("callrec-storage-e2e-" + bucket), bucket);
        c.put("storage.kafka.group-id", "callrec-storage-" + bucket);
        c.putAll(overrides);
        ServiceProcess p = ServiceProcess.startReady("storage-service", c, freePort());
        extras.add(p);
        return p;
    }


    /** Configuration of catalog-service, besides {@link #catalogConfig}. */
    final Map<String, String> catalogConfig = new LinkedHashMap<>();

    void startCatalog() throws IOException {
        catalogHttpPort = freePort();
        Path keyFile = Files.createTempFile("callrec-operator-key", "");
        Files.writeString(keyFile, operatorKey + "\n");
        Map<String, String> c = new LinkedHashMap<>();
        c.put("quarkus.http.port", Integer.toString(catalogHttpPort));
        c.put("kafka.bootstrap.servers", infra.kafkaBootstrapServers());
        c.put("quarkus.datasource.jdbc.url", infra.postgresJdbcUrl());
        c.put("quarkus.datasource.username", "callrec");
        c.put("quarkus.datasource.password", "e2e-" + operatorKey);
        c.put("catalog.operator-key-file", keyFile.toString());
        // the recordings' bucket, with storage's credentials (the catalog reads, deletes and holds them)
        c.put("catalog.s3.endpoint", infra.s3Endpoint());
        c.put("catalog.s3.access-key", infra.s3AccessKey());
        c.put("catalog.s3.secret-key-file", s3SecretFile.toString());
        c.put("catalog.s3.bucket", BUCKET);
        c.putAll(catalogConfig);
        catalog = ServiceProcess.startReady("catalog-service", c, freePort());
    }

    /** The catalog's HTTP port (a stack with tenants). */
    int catalogHttpPort() {
        return catalogHttpPort;
    }

    /** The catalog's admin API with the operator key. */
    CatalogApi catalogApi() {
        return new CatalogApi(catalogHttpPort, operatorKey);
    }

    ServiceProcess catalog() {
        return catalog;
    }

    /**
     * Starts one more control-service instance on its own phone port, sharing ingest and the
     * registry (a second replica); closed with the stack.
     */
    ServiceProcess startExtraControl(int phonePort) throws IOException {
        ServiceProcess p = ServiceProcess.startReady("control-service", controlSettings(phonePort), freePort());
        extraControls.add(p);
        return p;
    }

    void startControl() throws IOException {
        control = ServiceProcess.startReady("control-service", controlSettings(controlPort), freePort());
    }

    private Map<String, String> controlSettings(int phonePort) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("quarkus.http.port", Integer.toString(freePort()));
        c.put("kafka.bootstrap.servers", infra.kafkaBootstrapServers());
        // without a catalog every recording goes to TENANT, as before the registry
        c.put("control.tenants.registry", Boolean.toString(tenants));
        c.put("control.port", Integer.toString(phonePort));
        c.put("control.host", "127.0.0.1");
        c.put("control.default-tenant", tenants ? "default" : TENANT);
        c.put("control.ingest.nodes", "http://127.0.0.1:" + ingestHttpPort);
        c.put("control.ingest.token-file", internalTokenFile.toString());
        c.putAll(controlConfig);
        return c;
    }

    MinioClient s3Client() {
        return MinioClient.builder().endpoint(infra.s3Endpoint()).credentials(infra.s3AccessKey(), infra.s3SecretKey()).build();
    }

    ServiceProcess control() {
        return control;
    }

    ServiceProcess ingest() {
        return ingest;
    }

    ServiceProcess storage() {
        return storage;
    }

    /**
     * A TCP port for a child process to listen on, below the kernel's ephemeral range (Linux's
     * default starts at 32768): a port the kernel handed out for {@code bind(0)} and then let go
     * can be taken again by any process's next outgoing connection before the child binds it (a
     * loaded run lost a storage start to "Address already in use"); ports below the range are only
     * taken by an explicit bind. Never the same port twice in this JVM.
     */
    static synchronized int freePort() {
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = 10_000 + ThreadLocalRandom.current().nextInt(22_000);
            if (!HANDED_OUT.add(port)) {
                continue;
            }
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(new InetSocketAddress(port));
                return port;
            } catch (IOException inUse) {
                // taken: try another
            }
        }
        throw new UncheckedIOException(new IOException("no free TCP port in 10000-31999"));
    }

    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    @Override
    public void close() {
        // every service at once, and at once (ServiceProcess.discard: the tests are done, nothing is
        // asserted about this shutdown), then the infrastructure they used
        List<ServiceProcess> services = new ArrayList<>(extraControls);
        for (ServiceProcess p : new ServiceProcess[] {control, catalog, ingest, storage}) {
            if (p != null) {
                services.add(p);
            }
        }
        services.addAll(extras);
        services.addAll(extraStorages);
        List<Thread> stopping = new ArrayList<>();
        for (ServiceProcess p : services) {
            Thread t = new Thread(p::discard, "stack-stop");
            t.start();
            stopping.add(t);
        }
        for (Thread t : stopping) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        infra.close();
        deleteQuietly(s3SecretFile);
    }

    static void deleteQuietly(Path dir) {
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind
        }
    }
}
