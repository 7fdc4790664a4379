package org.callrec.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.callrec.infra.EmbeddedKafka;
import org.callrec.infra.EmbeddedS3;

import io.minio.MinioClient;

/**
 * The whole product on this machine: a real Kafka broker and a real S3 server in-process, and
 * control, ingest and storage as child processes wired to them on free ports.
 */
final class RecordingStack implements AutoCloseable {

    static final String BUCKET = "recordings";
    static final String TENANT = "acme";

    /** The broker; replaced by {@link #restartKafka()} (same port, same data). */
    EmbeddedKafka kafka;
    final EmbeddedS3 s3;
    final int controlPort;
    final int ingestHttpPort;
    final int udpMin;
    final int udpMax;
    final Path storageWorkDir;
    private ServiceProcess ingest;
    private ServiceProcess storage;
    private ServiceProcess control;
    /** Extra configuration applied over the defaults at every (re)start of a service (fault tests). */
    final Map<String, String> ingestOverrides = new LinkedHashMap<>();
    final Map<String, String> controlOverrides = new LinkedHashMap<>();
    final Map<String, String> storageOverrides = new LinkedHashMap<>();
    /** The broker's kept log directory when it can be restarted, else null. */
    private Path kafkaDir;

    private RecordingStack() throws IOException {
        this(false);
    }

    private RecordingStack(boolean restartableKafka) throws IOException {
        if (restartableKafka) {
            kafkaDir = Files.createTempDirectory("callrec-kafka-e2e");
            kafka = EmbeddedKafka.builder().port(freePort()).logDir(kafkaDir).start();
        } else {
            kafka = EmbeddedKafka.start();
        }
        s3 = EmbeddedS3.start();
        s3.createBucket(BUCKET);
        controlPort = freePort();
        ingestHttpPort = freePort();
        udpMin = 20000 + ThreadLocalRandom.current().nextInt(400) * 100;
        udpMax = udpMin + 99;
        storageWorkDir = Files.createTempDirectory("callrec-storage-e2e");
    }

    /** Starts infrastructure and the three services. */
    static RecordingStack start() throws IOException {
        RecordingStack stack = new RecordingStack();
        try {
            stack.startIngest();
            stack.startStorage();
            stack.startControl();
            return stack;
        } catch (IOException | RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    /**
     * Starts infrastructure and the three services, the broker on a fixed port with a kept log
     * directory (so {@link #restartKafka()} works), after {@code configure} set overrides.
     */
    static RecordingStack start(boolean restartableKafka, java.util.function.Consumer<RecordingStack> configure)
            throws IOException {
        RecordingStack stack = new RecordingStack(restartableKafka);
        try {
            configure.accept(stack);
            stack.startIngest();
            stack.startStorage();
            stack.startControl();
            return stack;
        } catch (IOException | RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    /** Stops the broker (the services lose it) and keeps its data for {@link #startKafkaAgain()}. */
    void stopKafka() {
        if (kafkaDir == null) {
            throw new IllegalStateException("start the stack with restartableKafka to restart the broker");
        }
        kafka.close();
    }

    /** Starts the broker again on the same port with the same data. */
    void startKafkaAgain() {
        kafka = EmbeddedKafka.builder().port(kafka.port()).logDir(kafkaDir).start();
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

    void startIngest() throws IOException {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("quarkus.http.port", Integer.toString(ingestHttpPort));
        c.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        c.put("ingest.node-id", "ingest-e2e");
        c.put("ingest.advertised-address", "127.0.0.1");
        c.put("ingest.bind-address", "127.0.0.1");
        c.put("ingest.ports.min", Integer.toString(udpMin));
        c.put("ingest.ports.max", Integer.toString(udpMax));
        c.put("ingest.ports.quarantine", "2s");
        c.putAll(ingestOverrides);
        ingest = ServiceProcess.start("media-ingest-service", c, ingestHttpPort);
    }

    void startStorage() throws IOException {
        int http = freePort();
        Map<String, String> c = new LinkedHashMap<>();
        c.put("quarkus.http.port", Integer.toString(http));
        c.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        c.put("storage.s3.endpoint", s3.endpoint());
        c.put("storage.s3.access-key", s3.accessKey());
        c.put("storage.s3.secret-key", s3.secretKey());
        c.put("storage.s3.bucket", BUCKET);
        c.put("storage.work-dir", storageWorkDir.toString());
        c.putAll(storageOverrides);
        storage = ServiceProcess.start("storage-service", c, http);
    }

    void startControl() throws IOException {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("quarkus.http.port", Integer.toString(freePort()));
        c.put("control.port", Integer.toString(controlPort));
        c.put("control.host", "127.0.0.1");
        c.put("control.default-tenant", TENANT);
        c.put("control.ingest.nodes", "http://127.0.0.1:" + ingestHttpPort);
        c.putAll(controlOverrides);
        control = ServiceProcess.start("control-service", c, controlPort);
    }

    MinioClient s3Client() {
        return MinioClient.builder().endpoint(s3.endpoint()).credentials(s3.accessKey(), s3.secretKey()).build();
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

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind
        }
    }

    @Override
    public void close() {
        for (ServiceProcess p : new ServiceProcess[] {control, ingest, storage}) {
            if (p != null) {
                p.close();
            }
        }
        s3.close();
        kafka.close();
        if (kafkaDir != null) {
            deleteQuietly(kafkaDir);
        }
    }
}
