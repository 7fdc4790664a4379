package org.callrec.catalog;

import java.util.Map;

import org.callrec.infra.EmbeddedKafka;
import org.callrec.infra.EmbeddedPostgreSql;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real PostgreSQL and a real Kafka broker, on random ports, for the service under test; their
 * addresses become its configuration. Tests get this object in a field of type
 * {@link CatalogInfraResource} (for the broker's address).
 */
public class CatalogInfraResource implements QuarkusTestResourceLifecycleManager {

    static final String DB = "callrec";
    static final String USER = "callrec";
    static final String PASSWORD = "test-password";

    private EmbeddedPostgreSql postgres;
    private EmbeddedKafka kafka;

    @Override
    public Map<String, String> start() {
        postgres = EmbeddedPostgreSql.start();
        postgres.createDatabase(DB, USER, PASSWORD);
        kafka = EmbeddedKafka.start();
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

    @Override
    public void stop() {
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }
}
