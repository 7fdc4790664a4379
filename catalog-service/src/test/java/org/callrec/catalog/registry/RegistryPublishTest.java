package org.callrec.catalog.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.callrec.catalog.Api.createTenant;
import static org.callrec.catalog.Api.operator;
import static org.callrec.catalog.Api.uniqueTenant;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.callrec.catalog.CatalogInfraResource;
import org.callrec.core.chunk.Topics;
import org.callrec.core.registry.DeviceEntry;
import org.callrec.core.registry.RegistryKeys;
import org.callrec.core.registry.StoragePlacement;
import org.callrec.core.registry.TenantEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Changes reach the compacted registry topic: records, in order, and tombstones. */
@QuarkusTest
@QuarkusTestResource(CatalogInfraResource.class)
class RegistryPublishTest {

    CatalogInfraResource infra;

    @Inject
    ObjectMapper mapper;

    private KafkaConsumer<String, String> consumer;
    /** Every record read so far, in topic order (one partition). */
    private final List<ConsumerRecord<String, String>> records = new ArrayList<>();
    private final Map<String, String> latest = new ConcurrentHashMap<>();

    @BeforeEach
    void subscribe() {
        consumer = new KafkaConsumer<>(Map.of(
                // the topic holds every device the other tests imported: read it in big polls
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000,
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "registry-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()));
        consumer.subscribe(List.of(Topics.REGISTRY));
    }

    @AfterEach
    void close() {
        consumer.close();
    }

    private void poll() {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
            records.add(r);
            latest.put(r.key(), r.value() == null ? "<tombstone>" : r.value());
        }
    }

    @Test
    void theTopicIsCompactedAndCarriesTheSeededDefaultTenantAsJacksonWritesIt() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()))) {
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, Topics.REGISTRY);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(admin.describeConfigs(List.of(r)).all().get().get(r).get("cleanup.policy").value())
                            .isEqualTo("compact"));
        }
        TenantEntry expected = new TenantEntry("default", "Default", "active", List.of(), null, null, null,
                StoragePlacement.DEFAULT, "accept");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            poll();
            assertThat(latest).containsKey(RegistryKeys.tenant("default"));
        });
        // the migration's literal JSON is what the publisher would write for that entry
        assertThat(mapper.readTree(latest.get(RegistryKeys.tenant("default"))))
                .isEqualTo(mapper.readTree(mapper.writeValueAsString(expected)));
        assertThat(mapper.readValue(latest.get(RegistryKeys.tenant("default")), TenantEntry.class)).isEqualTo(expected);
    }

    @Test
    void changesArriveWithinTwoSecondsAndADeletedTenantIsTombstonedWithItsDevices() throws Exception {
        String t = uniqueTenant("reg");
        createTenant(t);
        operator().body(Map.of("label", "Front desk")).put("/api/v1/tenants/" + t + "/devices/0c:38:3e:aa:00:01")
                .then().statusCode(201);
        operator().body(List.of(Map.of("mac", "0c383eaa0002"), Map.of("mac", "0c383eaa0003", "enabled", false)))
                .post("/api/v1/tenants/" + t + "/devices").then().statusCode(200);

        String tenantKey = RegistryKeys.tenant(t);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            poll();
            assertThat(latest).containsKeys(tenantKey, RegistryKeys.device("0c:38:3e:aa:00:01"),
                    RegistryKeys.device("0c:38:3e:aa:00:02"), RegistryKeys.device("0c:38:3e:aa:00:03"));
        });
        assertThat(mapper.readValue(latest.get(tenantKey), TenantEntry.class).name()).isEqualTo("Tenant " + t);
        assertThat(mapper.readValue(latest.get(RegistryKeys.device("0c:38:3e:aa:00:03")), DeviceEntry.class))
                .isEqualTo(new DeviceEntry("0c:38:3e:aa:00:03", t, null, false));

        // A suspension reaches the topic within 2 s of the answer
        long before = System.nanoTime();
        operator().body("{\"status\":\"suspended\"}").patch("/api/v1/tenants/" + t).then().statusCode(200);
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
            poll();
            assertThat(mapper.readValue(latest.get(tenantKey), TenantEntry.class).status()).isEqualTo("suspended");
        });
        System.out.println("Suspension on the registry topic after " + (System.nanoTime() - before) / 1_000_000 + " ms");

        // Deleting the tenant: a tombstone for each device, then for the tenant
        operator().delete("/api/v1/tenants/" + t).then().statusCode(204);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            poll();
            assertThat(latest.get(tenantKey)).isEqualTo("<tombstone>");
        });
        List<String> tail = records.stream().filter(r -> r.value() == null)
                .map(ConsumerRecord::key).filter(k -> k.equals(tenantKey) || k.startsWith("device:0c:38:3e:aa:00:0"))
                .toList();
        assertThat(tail).containsExactly(RegistryKeys.device("0c:38:3e:aa:00:01"), RegistryKeys.device("0c:38:3e:aa:00:02"),
                RegistryKeys.device("0c:38:3e:aa:00:03"), tenantKey);
    }

    @Test
    void aRefusedChangePublishesNothing() {
        String t = uniqueTenant("regbad");
        // invalid: nothing stored, nothing published; a valid one after it is the first record of that key
        operator().body(Map.of("id", t, "allowedNetworks", List.of("300.0.0.0/8"))).post("/api/v1/tenants")
                .then().statusCode(400);
        createTenant(t);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            poll();
            assertThat(latest).containsKey(RegistryKeys.tenant(t));
        });
        assertThat(records.stream().filter(r -> r.key().equals(RegistryKeys.tenant(t)))).hasSize(1);
    }
}
