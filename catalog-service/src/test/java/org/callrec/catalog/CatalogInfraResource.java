package org.callrec.catalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.callrec.infra.EmbeddedKafka;
import org.callrec.infra.EmbeddedPostgreSql;
import org.callrec.infra.EmbeddedS3;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real PostgreSQL, a real Kafka broker and a real S3 server (s3proxy, bucket {@value #BUCKET}),
 * on random ports, for the service under test; their
 * addresses become its configuration. Tests get this object in a field of type
 * {@link CatalogInfraResource} (for the broker's address, and to stop and start the broker:
 * {@link #stopKafka()}, {@link #startKafka()}, same port, same data).
 */
public class CatalogInfraResource implements QuarkusTestResourceLifecycleManager {

    public static final String DB = "callrec";
    public static final String USER = "callrec";
    public static final String PASSWORD = "test-password";

    public static final String BUCKET = "recordings";

    private EmbeddedPostgreSql postgres;
    private EmbeddedS3 s3;
    private volatile EmbeddedKafka kafka;
    private Path kafkaData;
    private int kafkaPort;

    @Override
    public Map<String, String> start() {
        postgres = EmbeddedPostgreSql.start();
        postgres.createDatabase(DB, USER, PASSWORD);
        try {
            kafkaData = Files.createTempDirectory("catalog-test-kafka");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // a log directory of our own, so that the broker can be stopped and started again with its data
        kafka = EmbeddedKafka.builder().logDir(kafkaData).start();
        kafkaPort = kafka.port();
        s3 = EmbeddedS3.start();
        s3.createBucket(BUCKET);
        return Map.of(
                "quarkus.datasource.jdbc.url", postgres.jdbcUrl(DB),
                "quarkus.datasource.username", USER,
                "quarkus.datasource.password", PASSWORD,
                "kafka.bootstrap.servers", kafka.bootstrapServers(),
                "catalog.s3.endpoint", s3.endpoint(),
                "catalog.s3.access-key", s3.accessKey(),
                "catalog.s3.secret-key", s3.secretKey(),
                "catalog.s3.bucket", BUCKET);
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(this, new TestInjector.MatchesType(CatalogInfraResource.class));
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** The S3 server's endpoint (credentials: {@link EmbeddedS3#DEFAULT_ACCESS_KEY}, {@link EmbeddedS3#DEFAULT_SECRET_KEY}). */
    public String s3Endpoint() {
        return s3.endpoint();
    }

    public String jdbcUrl() {
        return postgres.jdbcUrl(DB);
    }

    /** Stops the broker: the service finds nothing at its address. */
    public synchronized void stopKafka() {
        kafka.close();
    }

    /** Starts the broker again, same port, same topics and offsets. */
    public synchronized void startKafka() {
        kafka = EmbeddedKafka.builder().port(kafkaPort).logDir(kafkaData).start();
    }

    @Override
    public void stop() {
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        if (s3 != null) {
            s3.close();
        }
        if (kafkaData != null) {
            deleteQuietly(kafkaData);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory: the system cleans it eventually
        }
    }
}
