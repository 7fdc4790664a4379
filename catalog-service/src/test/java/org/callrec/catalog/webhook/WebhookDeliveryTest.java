package org.callrec.catalog.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.callrec.catalog.Api.createTenant;
import static org.callrec.catalog.Api.operator;
import static org.callrec.catalog.Api.uniqueTenant;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.inject.Inject;

import org.callrec.catalog.CatalogInfraResource;
import org.callrec.catalog.db.Db;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * The dispatcher against a real receiver on 127.0.0.1 (the test profile allows private networks;
 * {@link WebhookAddressGuardTest} shows the rule that production applies): signed deliveries,
 * retries, giving up after retry-for, the deliveries list.
 */
@QuarkusTest
@QuarkusTestResource(CatalogInfraResource.class)
class WebhookDeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    Db db;
    @Inject
    WebhookOutbox outbox;
    @Inject
    ObjectMapper mapper;
    @Inject
    MeterRegistry meters;
    @Inject
    WebhookDispatcher dispatcher;

    private static String base(String t) {
        return "/api/v1/tenants/" + t + "/webhooks";
    }

    /** Creates a webhook; returns {id, secret}. */
    private static String[] webhook(String tenant, String url, List<String> events) {
        Response r = operator().body(Map.of("url", url, "events", events)).post(base(tenant));
        r.then().statusCode(201);
        return new String[] {r.path("id"), r.path("secret")};
    }

    private void enqueue(String tenant, String type, String eventId) {
        db.inTransaction(tx -> {
            outbox.enqueue(tx.connection(), tenant, type, eventId, Map.of("recordingId", eventId.substring(3)));
            return null;
        });
    }

    /** Queues a {@code recording.completed} and runs {@code sql} (one parameter, the webhook id) in the same transaction. */
    private void enqueueAnd(String tenant, String eventId, String sql, String hookId) {
        db.inTransaction(tx -> {
            outbox.enqueue(tx.connection(), tenant, WebhookOutbox.RECORDING_COMPLETED, eventId, Map.of());
            try (PreparedStatement s = tx.connection().prepareStatement(sql)) {
                s.setString(1, hookId);
                s.executeUpdate();
            }
            return null;
        });
    }

    /** The state of the webhook's newest delivery (null while there is none). */
    private static String state(String tenant, String hook) {
        return operator().get(base(tenant) + "/" + hook + "/deliveries").then().statusCode(200).extract().path("items[0].state");
    }

    private double count(String outcome) {
        return meters.counter("callrec_catalog_webhook_deliveries_total", "outcome", outcome).count();
    }

    @Test
    void aDeliveryIsSignedWithTheWebhooksSecret() throws Exception {
        String t = uniqueTenant("whd");
        createTenant(t);
        try (Receiver receiver = new Receiver(204)) {
            String[] hook = webhook(t, receiver.url("/hooks/callrec?src=test"), List.of("recording.completed"));
            double delivered = count("delivered");
            long before = Instant.now().getEpochSecond();
            enqueue(t, WebhookOutbox.RECORDING_COMPLETED, "rc-rec-1");
            // not asked for: never sent
            enqueue(t, WebhookOutbox.RECORDING_DELETED, "rd-rec-1");

            await().atMost(WAIT).until(() -> !receiver.received.isEmpty());
            Receiver.Received got = receiver.received.get(0);
            assertThat(got.method()).isEqualTo("POST");
            assertThat(got.path()).isEqualTo("/hooks/callrec");
            assertThat(got.header("Content-Type")).isEqualTo("application/json");
            assertThat(got.header("User-Agent")).isEqualTo("callrec-webhooks");
            assertThat(got.header("Callrec-Event-Id")).isEqualTo("rc-rec-1");
            assertThat(got.header("Callrec-Event-Type")).isEqualTo("recording.completed");

            // the signature, recomputed here from the secret the create answer showed
            String signature = got.header("Callrec-Signature");
            assertThat(signature).matches("t=\\d+,v1=[0-9a-f]{64}");
            long ts = Long.parseLong(signature.substring(2, signature.indexOf(',')));
            assertThat(ts).isBetween(before - 1, Instant.now().getEpochSecond() + 1);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(hook[1].getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String expected = HexFormat.of().formatHex(mac.doFinal((ts + "." + got.body()).getBytes(StandardCharsets.UTF_8)));
            assertThat(signature).isEqualTo("t=" + ts + ",v1=" + expected);

            JsonNode payload = mapper.readTree(got.body());
            assertThat(payload.get("id").asText()).isEqualTo("rc-rec-1");
            assertThat(payload.get("type").asText()).isEqualTo("recording.completed");
            assertThat(payload.get("tenant").asText()).isEqualTo(t);
            assertThat(payload.get("createdAt").asText()).isNotEmpty();
            assertThat(payload.get("data").get("recordingId").asText()).isEqualTo("rec-1");

            await().atMost(WAIT).until(() -> "delivered".equals(state(t, hook[0])));
            operator().get(base(t) + "/" + hook[0] + "/deliveries").then()
                    .statusCode(200)
                    .body("items.size()", equalTo(1))
                    .body("items[0].eventId", equalTo("rc-rec-1"))
                    .body("items[0].eventType", equalTo("recording.completed"))
                    .body("items[0].state", equalTo("delivered"))
                    .body("items[0].attempts", equalTo(1))
                    .body("items[0].lastStatus", equalTo(204))
                    .body("items[0].lastError", nullValue())
                    .body("items[0].deliveredAt", notNullValue())
                    .body("items[0].nextAttemptAt", nullValue())
                    .body("next", nullValue());
            assertThat(count("delivered")).isGreaterThan(delivered);
            assertThat(receiver.received).hasSize(1);
        }
    }

    @Test
    void aFailedAttemptIsRetriedAndARedirectIsNotFollowed() {
        String t = uniqueTenant("whr");
        createTenant(t);
        try (Receiver receiver = new Receiver(500, 302, 200)) {
            String[] hook = webhook(t, receiver.url("/in"), List.of("recording.deleted"));
            double retries = count("retry");
            enqueue(t, WebhookOutbox.RECORDING_DELETED, "rd-rec-2");
            await().atMost(WAIT).until(() -> "delivered".equals(state(t, hook[0])));
            operator().get(base(t) + "/" + hook[0] + "/deliveries").then()
                    .body("items[0].state", equalTo("delivered"))
                    .body("items[0].attempts", equalTo(3))
                    .body("items[0].lastStatus", equalTo(200));
            // three attempts at the webhook's URL; none at the redirect's location
            assertThat(receiver.received).hasSize(3).allSatisfy(r -> {
                assertThat(r.path()).isEqualTo("/in");
                assertThat(r.header("Callrec-Event-Id")).isEqualTo("rd-rec-2");
            });
            assertThat(count("retry")).isGreaterThanOrEqualTo(retries + 2);
        }
    }

    @Test
    void aDeliveryFailsForGoodAfterRetryFor() {
        String t = uniqueTenant("whf");
        createTenant(t);
        try (Receiver receiver = new Receiver(503)) {
            String[] hook = webhook(t, receiver.url("/in"), List.of("recording.completed"));
            double failed = count("failed");
            // queued "almost 24 h ago" (catalog.webhooks.retry-for): a second of retries is left
            enqueueAnd(t, "rc-rec-3", "UPDATE webhook_deliveries SET created_at = "
                    + "now() - interval '24 hours' + interval '1500 milliseconds' WHERE webhook_id = ?", hook[0]);
            await().atMost(WAIT).until(() -> "failed".equals(state(t, hook[0])));
            operator().get(base(t) + "/" + hook[0] + "/deliveries").then()
                    .body("items[0].state", equalTo("failed"))
                    .body("items[0].lastStatus", equalTo(503))
                    .body("items[0].lastError", equalTo("HTTP 503"))
                    .body("items[0].deliveredAt", nullValue())
                    .body("items[0].nextAttemptAt", nullValue());
            int attempts = operator().get(base(t) + "/" + hook[0] + "/deliveries").path("items[0].attempts");
            assertThat(attempts).isGreaterThanOrEqualTo(2).isEqualTo(receiver.received.size());
            assertThat(count("failed")).isGreaterThan(failed);
        }
    }

    @Test
    void aReceiverThatIsNotThereIsRetriedWithItsError() {
        String t = uniqueTenant("whx");
        createTenant(t);
        int port;
        try (Receiver gone = new Receiver(204)) {
            port = gone.port();
        }
        String[] hook = webhook(t, "http://127.0.0.1:" + port + "/in", List.of("recording.completed"));
        enqueue(t, WebhookOutbox.RECORDING_COMPLETED, "rc-rec-4");
        await().atMost(WAIT).until(() -> operator().get(base(t) + "/" + hook[0] + "/deliveries")
                .then().extract().<Object>path("items[0].attempts") instanceof Integer n && n >= 1);
        operator().get(base(t) + "/" + hook[0] + "/deliveries").then()
                .body("items[0].state", equalTo("pending"))
                .body("items[0].lastStatus", nullValue())
                .body("items[0].lastError", notNullValue())
                .body("items[0].nextAttemptAt", notNullValue());
    }

    @Test
    void deliveriesAreListedNewestFirstPageByPage() {
        String t = uniqueTenant("whl");
        createTenant(t);
        try (Receiver receiver = new Receiver(204)) {
            String[] hook = webhook(t, receiver.url("/in"), List.of("recording.completed", "recording.deleted"));
            enqueue(t, WebhookOutbox.RECORDING_COMPLETED, "rc-a");
            enqueue(t, WebhookOutbox.RECORDING_COMPLETED, "rc-b");
            enqueue(t, WebhookOutbox.RECORDING_DELETED, "rd-a");
            // a replay of an event is queued once
            enqueue(t, WebhookOutbox.RECORDING_COMPLETED, "rc-a");
            await().atMost(WAIT).until(() -> receiver.received.size() >= 3);

            Response first = operator().get(base(t) + "/" + hook[0] + "/deliveries?limit=2");
            first.then().statusCode(200).body("items.eventId", equalTo(List.of("rd-a", "rc-b"))).body("next", notNullValue());
            operator().get(base(t) + "/" + hook[0] + "/deliveries?limit=2&cursor=" + first.path("next")).then()
                    .statusCode(200).body("items.eventId", equalTo(List.of("rc-a"))).body("next", nullValue());
            assertThat(receiver.received).hasSize(3);
        }
    }

    @Test
    void aDisabledWebhooksDeliveriesWaitUntilItIsEnabledAgain() {
        String t = uniqueTenant("whe");
        createTenant(t);
        try (Receiver receiver = new Receiver(204)) {
            String[] hook = webhook(t, receiver.url("/in"), List.of("recording.completed"));
            // queued, and the webhook disabled in the same transaction (before the dispatcher looks)
            enqueueAnd(t, "rc-rec-5", "UPDATE webhooks SET enabled = false WHERE id = ?", hook[0]);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> receiver.received.isEmpty());
            operator().get(base(t) + "/" + hook[0] + "/deliveries").then()
                    .body("items[0].state", equalTo("pending")).body("items[0].attempts", equalTo(0));

            operator().body(Map.of("enabled", true)).patch(base(t) + "/" + hook[0]).then().statusCode(200);
            await().atMost(WAIT).until(() -> "delivered".equals(state(t, hook[0])));
            operator().get(base(t) + "/" + hook[0] + "/deliveries").then()
                    .body("items[0].state", equalTo("delivered"));
            assertThat(receiver.received).hasSize(1);
        }
    }

    @Test
    void aDisabledWebhooksDeliveryFailsWithoutAnAttemptAfterRetryFor() {
        String t = uniqueTenant("whg");
        createTenant(t);
        try (Receiver receiver = new Receiver(204)) {
            String[] hook = webhook(t, receiver.url("/in"), List.of("recording.completed"));
            // queued 25 h ago (past catalog.webhooks.retry-for), the webhook disabled since
            enqueueAnd(t, "rc-rec-6", "WITH off AS (UPDATE webhooks SET enabled = false WHERE id = ? RETURNING id) "
                    + "UPDATE webhook_deliveries SET created_at = now() - interval '25 hours' "
                    + "WHERE webhook_id IN (SELECT id FROM off)", hook[0]);
            await().atMost(WAIT).until(() -> "failed".equals(state(t, hook[0])));
            operator().get(base(t) + "/" + hook[0] + "/deliveries").then()
                    .body("items.state", equalTo(List.of("failed")))
                    .body("items[0].lastError", equalTo("webhook-disabled"))
                    .body("items[0].attempts", equalTo(0));
            assertThat(receiver.received).isEmpty();
        }
    }

    @Test
    void concurrentClaimsNeverTakeTheSameDeliveryAndEachIsSentOnce() throws Exception {
        String t = uniqueTenant("whc");
        createTenant(t);
        try (Receiver receiver = new Receiver(204)) {
            String[] hook = webhook(t, receiver.url("/in"), List.of("recording.completed"));
            // queued in one transaction, more than one dispatcher round: the test's claimers race it for them
            db.inTransaction(tx -> {
                for (int i = 0; i < 200; i++) {
                    outbox.enqueue(tx.connection(), t, WebhookOutbox.RECORDING_COMPLETED, "rc-many-" + i, Map.of());
                }
                return null;
            });
            // four "replicas" claiming at once (with the real dispatcher as a fifth)
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Long> claimed = new CopyOnWriteArrayList<>();
            try {
                List<Future<?>> runs = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    runs.add(pool.submit(() -> {
                        for (int round = 0; round < 5; round++) {
                            dispatcher.claim().forEach(c -> claimed.add(c.id()));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : runs) {
                    f.get(30, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            // the dispatcher takes at most catalog.webhooks.batch-size (50) a round: the claimers got some
            assertThat(claimed).isNotEmpty().doesNotHaveDuplicates();
            // what the test claimed is left to the dispatcher: due again at once (the lease given back)
            db.inTransaction(tx -> {
                try (PreparedStatement s = tx.connection().prepareStatement(
                        "UPDATE webhook_deliveries SET next_attempt_at = now() WHERE id = ANY (?) AND state = 'pending'")) {
                    s.setArray(1, tx.connection().createArrayOf("bigint", claimed.toArray()));
                    s.executeUpdate();
                }
                return null;
            });
            // a delivery is marked delivered after the receiver answered: wait for the marks, not the arrivals
            await().atMost(WAIT).until(() -> operator().get(base(t) + "/" + hook[0] + "/deliveries?limit=200")
                    .jsonPath().getList("items.state").stream().filter("delivered"::equals).count() == 200);
            assertThat(receiver.received.stream().map(r -> r.header("Callrec-Event-Id")).toList())
                    .hasSize(200).doesNotHaveDuplicates();
            operator().get(base(t) + "/" + hook[0] + "/deliveries?limit=200").then()
                    .body("items.size()", equalTo(200))
                    .body("items.state", everyItem(equalTo("delivered"))).body("items.attempts", everyItem(equalTo(1)));
        }
    }
}
