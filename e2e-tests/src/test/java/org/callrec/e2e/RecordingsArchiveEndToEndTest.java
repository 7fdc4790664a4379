package org.callrec.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.callrec.e2e.CatalogApi.Answer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The archive end to end: two tenants' phones record real calls through control, ingest and
 * storage; the catalog indexes them from the completion events, and each tenant finds, plays,
 * downloads, holds and deletes its own recordings through the API, while every endpoint answers
 * 404 to the other tenant's key. PostgreSQL, Kafka and S3 are real; the services run as processes.
 */
class RecordingsArchiveEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALL = "[\"recordings:read\",\"audio:listen\",\"audio:download\","
            + "\"recordings:delete\",\"holds:manage\",\"tenant:admin\"]";

    private static RecordingStack stack;
    private static CatalogApi operator;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void startStack() throws Exception {
        // the test's webhook receiver listens on 127.0.0.1, which production refuses
        stack = RecordingStack.startWithTenants(s -> s.catalogConfig.put("catalog.webhooks.allow-private-networks", "true"));
        operator = stack.catalogApi();
        for (String[] t : new String[][] {{"acme", "127.0.0.2"}, {"globex", "127.0.0.3"}}) {
            assertThat(operator.postJson("/api/v1/tenants", "{\"id\":\"" + t[0] + "\",\"name\":\"" + t[0]
                    + "\",\"allowedNetworks\":[\"" + t[1] + "/32\"],\"unknownDevices\":\"accept\"}").status())
                    .isEqualTo(201);
        }
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    private static String key(String tenant) throws Exception {
        Answer a = operator.postJson("/api/v1/tenants/" + tenant + "/keys", "{\"scopes\":" + ALL + "}");
        assertThat(a.status()).as(a.body()).isEqualTo(201);
        return JSON.readTree(a.body()).path("key").asText();
    }

    /** Records one call from {@code site} and returns the PCMA payload sent. */
    private static byte[] record(String site, String id, String mac, String number, byte value) throws Exception {
        try (RawPhone phone = new RawPhone(site, stack.controlPort)) {
            Map<String, String>[] answer = new Map[1];
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
                answer[0] = phone.send("cmd=RecordStartRequest&id=" + id + "&device=" + mac + "&remote_number="
                        + number + "&local_number=100&codec=PCMA");
                return "success".equals(answer[0].get("result"));
            });
            byte[] sent = phone.sendRtp(answer[0].get("server"), Integer.parseInt(answer[0].get("port")), 25, value);
            assertThat(phone.send("cmd=RecordStopRequest&id=" + id)).containsEntry("result", "success");
            return sent;
        }
    }

    private static JsonNode awaitOne(CatalogApi api, String query) throws Exception {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonNode items = JSON.readTree(api.get("/api/v1/recordings?" + query).body()).path("items");
            found[0] = items.size() == 1 ? items.get(0) : null;
            return found[0] != null;
        });
        return found[0];
    }

    /** {@code t=<unix>,v1=<hex HMAC-SHA256(secret, "t.body")>}, checked as a receiver would. */
    private static boolean signatureValid(String header, String body, String secret) throws Exception {
        String t = null;
        String v1 = null;
        for (String part : header.split(",")) {
            if (part.startsWith("t=")) {
                t = part.substring(2);
            } else if (part.startsWith("v1=")) {
                v1 = part.substring(3);
            }
        }
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] expected = mac.doFinal((t + "." + body).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return t != null && v1 != null && java.util.HexFormat.of().formatHex(expected).equals(v1)
                && Math.abs(java.time.Instant.now().getEpochSecond() - Long.parseLong(t)) < 600;
    }

    private static HttpResponse<byte[]> bytes(String path, String key, String range) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + stack.catalogHttpPort() + path))
                .header("Authorization", "Bearer " + key);
        if (range != null) {
            b.header("Range", range);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    @DisplayName("each tenant finds, plays, downloads, holds and deletes its own calls, hears of them by signed webhook; the other's are 404 everywhere")
    void twoTenantsUseTheArchive() throws Exception {
        String acmeKey = key("acme");
        String globexKey = key("globex");
        CatalogApi acme = operator.as(acmeKey);
        CatalogApi globex = operator.as(globexKey);

        // acme's systems hear of its recordings by webhook, signed with the secret it was given
        java.util.concurrent.BlockingQueue<String[]> hooks = new java.util.concurrent.LinkedBlockingQueue<>();
        com.sun.net.httpserver.HttpServer receiver = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hooks", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            hooks.add(new String[] {ex.getRequestHeaders().getFirst("Callrec-Signature"), body});
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        receiver.start();
        Answer hook = acme.postJson("/api/v1/tenants/acme/webhooks", "{\"url\":\"http://127.0.0.1:"
                + receiver.getAddress().getPort() + "/hooks\",\"events\":[\"recording.completed\",\"recording.deleted\"]}");
        assertThat(hook.status()).as(hook.body()).isEqualTo(201);
        String secret = JSON.readTree(hook.body()).path("secret").asText();
        String hookId = JSON.readTree(hook.body()).path("id").asText();
        byte[] acmeSent = record("127.0.0.2", "arch-a", "0c383e00aa01", "5551001", (byte) 20);
        record("127.0.0.3", "arch-g", "0c383e00bb01", "5552002", (byte) 70);

        JsonNode a = awaitOne(acme, "number=5551001");
        JsonNode g = awaitOne(globex, "number=5552002");
        assertThat(a.path("tenant").asText()).isEqualTo("acme");
        assertThat(a.path("device").asText()).isEqualTo("0c:38:3e:00:aa:01");
        assertThat(JSON.readTree(acme.get("/api/v1/recordings").body()).path("items")).hasSize(1);
        assertThat(JSON.readTree(acme.get("/api/v1/recordings?number=5552002").body()).path("items")).isEmpty();
        String id = a.path("id").asText();
        String base = "/api/v1/recordings/" + id;

        // the metadata document and the audio are what storage stored
        JsonNode doc = JSON.readTree(acme.get(base).body());
        assertThat(doc.path("recordingId").asText()).isEqualTo(id);
        Archive bucket = new Archive(stack.s3Client(), RecordingStack.BUCKET);
        byte[] stored = bucket.get(doc.path("audio").path("key").asText());
        HttpResponse<byte[]> whole = bytes(base + "/audio", acmeKey, null);
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(stored);
        assertThat(java.util.Arrays.equals(org.callrec.core.audio.WavFile.parse(whole.body()).samples(),
                EndToEndRecordingTest.alaw(acmeSent))).as("the played samples are those the phone sent").isTrue();
        HttpResponse<byte[]> part = bytes(base + "/audio", acmeKey, "bytes=44-1043");
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.body()).isEqualTo(Arrays.copyOfRange(stored, 44, 1044));
        assertThat(bytes(base + "/audio", acmeKey, "bytes=" + stored.length + "-").statusCode()).isEqualTo(416);
        String url = JSON.readTree(acme.postJson(base + "/download-url", "").body()).path("url").asText();
        assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray())
                .body()).isEqualTo(stored);

        // globex's key: 404 on every endpoint of acme's recording
        for (Answer x : List.of(globex.get(base), globex.get(base + "/peaks"), globex.get(base + "/hold"),
                globex.postJson(base + "/download-url", ""), globex.put(base + "/hold", "{}"),
                globex.delete(base + "/hold"), globex.delete(base))) {
            assertThat(x.status()).as(x.body()).isEqualTo(404);
        }
        assertThat(bytes(base + "/audio", globexKey, null).statusCode()).isEqualTo(404);

        // hold: delete refused; release: delete with a receipt, the objects gone
        assertThat(acme.put(base + "/hold", "{\"reason\":\"dispute\"}").status()).isEqualTo(200);
        Answer refused = acme.delete(base);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.body()).contains("legal-hold");
        assertThat(bucket.get(doc.path("audio").path("key").asText())).isEqualTo(stored);
        assertThat(acme.delete(base + "/hold").status()).isEqualTo(200);
        Answer receipt = acme.delete(base);
        assertThat(receipt.status()).as(receipt.body()).isEqualTo(200);
        assertThat(JSON.readTree(receipt.body()).path("objects").toString()).contains(doc.path("metadataKey").asText());
        assertThat(acme.get(base).status()).isEqualTo(404);
        for (String gone : List.of(doc.path("metadataKey").asText(), doc.path("audio").path("key").asText())) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> bucket.get(gone)).as(gone)
                    .hasMessageContaining("does not exist");
        }

        // the audit trail names each act; globex's trail has none of them
        JsonNode audit = JSON.readTree(acme.get("/api/v1/audit?limit=1000").body()).path("items");
        List<String> actions = new java.util.ArrayList<>();
        audit.forEach(e -> {
            if (e.path("target").asText().equals(id)) {
                actions.add(e.path("action").asText());
            }
        });
        assertThat(actions).containsExactly("recording.delete", "recording.release", "recording.hold",
                "recording.download", "recording.listen");
        assertThat(globex.get("/api/v1/audit?limit=1000").body()).doesNotContain(id);
        assertThat(JSON.readTree(globex.get("/api/v1/recordings").body()).path("items")).hasSize(1);

        // the webhooks: completed, then deleted, each signed; globex's call is not announced to acme
        List<JsonNode> events = new java.util.ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            for (String[] h; (h = hooks.poll()) != null; ) {
                assertThat(signatureValid(h[0], h[1], secret)).as(h[0]).isTrue();
                events.add(JSON.readTree(h[1]));
            }
            return events.stream().anyMatch(e -> e.path("type").asText().equals("recording.deleted"));
        });
        receiver.stop(0);
        assertThat(events).extracting(e -> e.path("type").asText() + " " + e.path("id").asText())
                .containsExactly("recording.completed rc-" + id, "recording.deleted rd-" + id);
        assertThat(events.get(0).path("tenant").asText()).isEqualTo("acme");
        JsonNode deliveries = JSON.readTree(acme.get("/api/v1/tenants/acme/webhooks/" + hookId + "/deliveries").body());
        assertThat(deliveries.path("items")).hasSize(2);
        deliveries.path("items").forEach(d -> assertThat(d.path("state").asText()).isEqualTo("delivered"));
        assertThat(globex.get("/api/v1/tenants/acme/webhooks/" + hookId + "/deliveries").status()).isEqualTo(404);
    }
}
