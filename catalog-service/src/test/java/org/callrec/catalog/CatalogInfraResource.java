package org.callrec.catalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.callrec.infra.EmbeddedKafka;
import org.callrec.infra.EmbeddedPostgreSql;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real PostgreSQL and a real Kafka broker, on random ports, for the service under test; their
 * addresses become its configuration. Tests get this object in a field of type
 * {@link CatalogInfraResource} (for the broker's address, and to stop and start the broker:
 * {@link #stopKafka()}, {@link #startKafka()}, same port, same data).
 */
public class CatalogInfraResource implements QuarkusTestResourceLifecycleManager {

    public static final String DB = "callrec";
    public static final String USER = "callrec";
    public static final String PASSWORD = "test-password";

    private EmbeddedPostgreSql postgres;
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
        return Map.of(
                "quarkus.datasource.jdbc.url", postgres.jdbcUrl(DB),
                "quarkus.datasource.username", USER,
                "quarkus.datasource.password", PASSWORD,
                "kafka.bootstrap.servers", kafka.bootstrapServers());
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(this, new TestInjector.MatchesType(CatalogInfraResource.class));
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
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
