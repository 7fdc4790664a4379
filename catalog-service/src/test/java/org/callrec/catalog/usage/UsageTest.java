package org.callrec.catalog.usage;

import static org.awaitility.Awaitility.await;
import static org.callrec.catalog.Api.createKey;
import static org.callrec.catalog.Api.createTenant;
import static org.callrec.catalog.Api.operator;
import static org.callrec.catalog.Api.uniqueTenant;
import static org.callrec.catalog.Api.withKey;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.callrec.catalog.CatalogInfraResource;
import org.callrec.core.chunk.Topics;
import org.callrec.core.completion.CompletionEvent;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Usage per day from completion events (each recording once), and "active now" from the control replicas. */
@QuarkusTest
@QuarkusTestResource(CatalogInfraResource.class)
class UsageTest {

    CatalogInfraResource infra;

    private KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()));
    }

    private static String event(String id, String tenant, String startedAt, double seconds) {
        return new CompletionEvent(CompletionEvent.TYPE, id, tenant, "recordings", tenant + "/a.wav", tenant + "/a.json",
                "p1", "0c:38:3e:00:00:01", "PCMA", seconds, "stop", startedAt, startedAt, startedAt, "network").toJson();
    }

    @Test
    void countsEachRecordingOnceByItsStartDay() {
        String t = uniqueTenant("use");
        createTenant(t);
        String r1 = UUID.randomUUID().toString();
        String r2 = UUID.randomUUID().toString();
        String r3 = UUID.randomUUID().toString();
        try (KafkaProducer<String, String> p = producer()) {
            p.send(new ProducerRecord<>(Topics.COMPLETED, r1, event(r1, t, "2026-03-01T10:00:00Z", 60)));
            // at-least-once delivery: the same recording again
            p.send(new ProducerRecord<>(Topics.COMPLETED, r1, event(r1, t, "2026-03-01T10:00:00Z", 60)));
            p.send(new ProducerRecord<>(Topics.COMPLETED, r2, event(r2, t, "2026-03-01T23:59:59Z", 30.5)));
            p.send(new ProducerRecord<>(Topics.COMPLETED, r3, event(r3, t, "2026-03-03T00:00:01Z", 10)));
            p.send(new ProducerRecord<>(Topics.COMPLETED, "junk", "not json"));
            p.flush();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                operator().queryParam("from", "2026-03-01").queryParam("to", "2026-03-03")
                        .get("/api/v1/tenants/" + t + "/usage").then().statusCode(200)
                        .body("tenant", equalTo(t))
                        .body("days.day", equalTo(java.util.List.of("2026-03-01", "2026-03-02", "2026-03-03")))
                        .body("days.recordings", equalTo(java.util.List.of(2, 0, 1)))
                        .body("days[0].audioSeconds", equalTo(90.5f))
                        .body("activeNow", equalTo(0)));

        // a tenant key of it may read it; a range that is not one: 400
        String key = createKey(t, "tenant:admin");
        withKey(key).queryParam("from", "2026-03-01").queryParam("to", "2026-03-01")
                .get("/api/v1/tenants/" + t + "/usage").then().statusCode(200).body("days[0].recordings", equalTo(2));
        operator().queryParam("from", "2026-03-05").queryParam("to", "2026-03-01")
                .get("/api/v1/tenants/" + t + "/usage").then().statusCode(400);
        operator().queryParam("from", "March").get("/api/v1/tenants/" + t + "/usage").then().statusCode(400);
    }

    @Test
    void activeNowSumsTheFreshReportsOfEveryControlReplica() {
        String t = uniqueTenant("live");
        createTenant(t);
        long now = System.currentTimeMillis();
        try (KafkaProducer<String, String> p = producer()) {
            p.send(new ProducerRecord<>(Topics.TENANT_ACTIVITY, "control-a",
                    "{\"instance\":\"control-a\",\"atMillis\":" + now + ",\"active\":{\"" + t + "\":3,\"other\":9}}"));
            p.send(new ProducerRecord<>(Topics.TENANT_ACTIVITY, "control-b",
                    "{\"instance\":\"control-b\",\"atMillis\":" + now + ",\"active\":{\"" + t + "\":2}}"));
            // a replica that stopped reporting a minute ago no longer counts
            p.send(new ProducerRecord<>(Topics.TENANT_ACTIVITY, "control-c",
                    "{\"instance\":\"control-c\",\"atMillis\":" + (now - 60_000) + ",\"active\":{\"" + t + "\":50}}"));
            p.flush();
        }
        await().atMost(Duration.ofSeconds(8)).untilAsserted(() ->
                operator().get("/api/v1/tenants/" + t + "/usage").then().statusCode(200).body("activeNow", equalTo(5)));
        // control-b's tombstone: it is gone
        try (KafkaProducer<String, String> p = producer()) {
            p.send(new ProducerRecord<>(Topics.TENANT_ACTIVITY, "control-b", null));
            p.flush();
        }
        await().atMost(Duration.ofSeconds(8)).untilAsserted(() ->
                operator().get("/api/v1/tenants/" + t + "/usage").then().statusCode(200).body("activeNow", equalTo(3)));
    }
}
