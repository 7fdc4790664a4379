package org.callrec.catalog.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.callrec.catalog.Api.createTenant;
import static org.callrec.catalog.Api.operator;
import static org.callrec.catalog.Api.uniqueTenant;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.callrec.catalog.CatalogInfraResource;
import org.callrec.core.chunk.Topics;
import org.callrec.core.registry.RegistryKeys;
import org.callrec.core.registry.TenantEntry;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** With Kafka down the API keeps working; the changes wait in the outbox and reach the topic once it is back. */
@QuarkusTest
@QuarkusTestResource(CatalogInfraResource.class)
class KafkaOutageTest {

    CatalogInfraResource infra;

    @Inject
    ObjectMapper mapper;

    @Test
    void changesMadeWhileKafkaIsDownArePublishedWhenItIsBack() throws Exception {
        String t = uniqueTenant("outage");
        createTenant(t);
        String key = RegistryKeys.tenant(t);
        await().atMost(Duration.ofSeconds(30)).until(() -> waiting(key) == 0);

        infra.stopKafka();
        try {
            // the API answers as usual; the change is kept in the outbox
            operator().body("{\"status\":\"suspended\"}").patch("/api/v1/tenants/" + t).then().statusCode(200);
            assertThat(waiting(key)).isEqualTo(1);
        } finally {
            infra.startKafka();
        }

        // once the broker is back the record arrives and the row is gone
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "outage-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
            consumer.subscribe(List.of(Topics.REGISTRY));
            String[] status = {null};
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key().equals(key) && r.value() != null) {
                        status[0] = mapper.readValue(r.value(), TenantEntry.class).status();
                    }
                }
                assertThat(status[0]).isEqualTo("suspended");
            });
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> waiting(key) == 0);
    }

    /** Outbox rows of this key not yet acknowledged by the broker. */
    private long waiting(String key) throws Exception {
        try (Connection c = DriverManager.getConnection(infra.jdbcUrl(), CatalogInfraResource.USER,
                CatalogInfraResource.PASSWORD);
             PreparedStatement s = c.prepareStatement("SELECT count(*) FROM registry_outbox WHERE record_key = ?")) {
            s.setString(1, key);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }
}
