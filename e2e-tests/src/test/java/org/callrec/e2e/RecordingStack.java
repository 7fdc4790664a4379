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
 * control, ingest and storage as child processes wired to them on free ports. Each service's
 * management interface (health, metrics) is on a free port too, and a service counts as up
 * once its {@code /q/health/ready} answers 200 there.
 */
final class RecordingStack implements AutoCloseable {

    static final String BUCKET = "recordings";
    static final String TENANT = "acme";

    final EmbeddedKafka kafka;
    final EmbeddedS3 s3;
    final int controlPort;
    final int ingestHttpPort;
    final int udpMin;
    final int udpMax;
    final Path storageWorkDir;
    private ServiceProcess ingest;
    private ServiceProcess storage;
    private ServiceProcess control;

    private RecordingStack() throws IOException {
        kafka = EmbeddedKafka.start();
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
        ingest = ServiceProcess.startReady("media-ingest-service", c, freePort());
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
        storage = ServiceProcess.startReady("storage-service", c, freePort());
    }

    void startControl() throws IOException {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("quarkus.http.port", Integer.toString(freePort()));
        c.put("control.port", Integer.toString(controlPort));
        c.put("control.host", "127.0.0.1");
        c.put("control.default-tenant", TENANT);
        c.put("control.ingest.nodes", "http://127.0.0.1:" + ingestHttpPort);
        control = ServiceProcess.startReady("control-service", c, freePort());
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

    @Override
    public void close() {
        for (ServiceProcess p : new ServiceProcess[] {control, ingest, storage}) {
            if (p != null) {
                p.close();
            }
        }
        s3.close();
        kafka.close();
    }
}
