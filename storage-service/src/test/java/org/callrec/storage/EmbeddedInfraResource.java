package org.callrec.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.callrec.core.chunk.Topics;

import org.callrec.infra.EmbeddedKafka;
import org.callrec.infra.EmbeddedS3;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real Kafka broker and a real S3 server, in this JVM on random ports, for the service under
 * test; their addresses and credentials become the service's configuration. The S3 server keeps
 * its objects in a temporary folder, so a test can stop it and start it again on the same port
 * with the same buckets ({@link #stopS3()}, {@link #startS3()}); tests get this object in a field
 * of type {@link EmbeddedInfraResource}. The media topic exists before the service starts, as
 * media-ingest-service (its owner) would have created it, and so does the registry topic, as
 * catalog-service would.
 */
public class EmbeddedInfraResource implements QuarkusTestResourceLifecycleManager {

    private EmbeddedKafka kafka;
    private volatile EmbeddedS3 s3;
    private Path s3Data;
    private int s3Port;

    @Override
    public Map<String, String> start() {
        kafka = EmbeddedKafka.start();
        createMediaTopic(kafka.bootstrapServers());
        try {
            s3Data = Files.createTempDirectory("callrec-storage-test-s3");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        s3 = EmbeddedS3.builder().host("127.0.0.1").dataDir(s3Data).start();
        s3Port = s3.port();
        return Map.of(
                "kafka.bootstrap.servers", kafka.bootstrapServers(),
                "storage.s3.endpoint", s3.endpoint(),
                "storage.s3.access-key", s3.accessKey(),
                "storage.s3.secret-key", s3.secretKey());
    }

    private static void createMediaTopic(String bootstrapServers) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(Topics.MEDIA, EmbeddedKafka.DEFAULT_PARTITIONS, (short) 1)
                    .configs(Topics.MEDIA_REQUIRED_CONFIG),
                    // catalog-service's, which creates it compacted
                    new NewTopic(Topics.REGISTRY, 1, (short) 1).configs(Map.of("cleanup.policy", "compact"))))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("media topic not created", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(this, new TestInjector.MatchesType(EmbeddedInfraResource.class));
    }

    /** Stops the S3 server: the service finds nothing at its endpoint. */
    public synchronized void stopS3() {
        s3.close();
    }

    /** Starts the S3 server again, same port, same objects. */
    public synchronized void startS3() {
        s3 = EmbeddedS3.builder().host("127.0.0.1").port(s3Port).dataDir(s3Data).start();
    }

    @Override
    public void stop() {
        if (s3 != null) {
            s3.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }
}
