package org.callrec.ingest.health;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.inject.Inject;

import org.callrec.core.allocation.InternalApi;
import org.callrec.core.id.RecordingIds;
import org.callrec.ingest.IngestTestResources;
import org.callrec.ingest.allocation.Allocations;
import org.callrec.testing.rtp.RtpPackets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Health and metrics of an ingest node on its management port, against a real Kafka broker and
 * real UDP sockets.
 */
@QuarkusTest
@WithTestResource(IngestTestResources.class)
class IngestHealthTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource(value = "/health/ready", management = true)
    URI ready;
    @TestHTTPResource(value = "/health/live", management = true)
    URI live;
    @TestHTTPResource(value = "/health/started", management = true)
    URI started;
    @TestHTTPResource(value = "/metrics", management = true)
    URI metrics;

    @Inject
    Allocations allocations;

    @Test
    @DisplayName("started, live, and ready: UDP pool usable, advertised address usable, Kafka answering")
    void readyWithEveryCheckUp() throws Exception {
        awaitStatus(ready, 200);
        Map<String, JsonNode> checks = checks(get(ready).body());
        assertThat(checks).containsKeys("udp-pool", "advertised-address", "kafka");
        assertThat(checks.values()).allSatisfy(c -> assertThat(c.path("status").asText()).isEqualTo("UP"));
        assertThat(checks.get("advertised-address").path("data").path("address").asText())
                .isEqualTo(IngestTestResources.ADVERTISED_ADDRESS);
        assertThat(checks.get("udp-pool").path("data").path("portsTotal").asInt())
                .isEqualTo(IngestTestResources.POOL_SIZE);
        assertThat(get(started).statusCode()).isEqualTo(200);
        assertThat(get(live).statusCode()).isEqualTo(200);
        assertThat(checks(get(live).body())).containsKey("media-publisher").doesNotContainKey("kafka");
    }

    @Test
    @DisplayName("GET /internal/v1/node tells control-service the node answers, with its pool")
    void nodeStatus() {
        await().atMost(WAIT).until(() -> allocations.freePorts() == IngestTestResources.POOL_SIZE);
        given().get(InternalApi.NODE).then().statusCode(200)
                .body("node", org.hamcrest.Matchers.equalTo(IngestTestResources.NODE_ID))
                .body("address", org.hamcrest.Matchers.equalTo(IngestTestResources.ADVERTISED_ADDRESS))
                .body("portsTotal", org.hamcrest.Matchers.equalTo(IngestTestResources.POOL_SIZE))
                .body("portsFree", org.hamcrest.Matchers.equalTo(IngestTestResources.POOL_SIZE));
    }

    @Test
    @DisplayName("a recording moves the packet, drop, chunk and recording counters and the port gauge, never by recording")
    void aRecordingMovesTheCounters() throws Exception {
        await().atMost(WAIT).until(() -> allocations.freePorts() == IngestTestResources.POOL_SIZE);
        double received = sample("callrec_ingest_packets_received_total");
        double malformed = sample("callrec_ingest_packets_dropped_total{reason=\"malformed\"}");
        double chunks = sample("callrec_ingest_chunks_published_total");
        double startedCount = sample("callrec_ingest_recordings_started_total");
        double ended = sample("callrec_ingest_recordings_ended_total");

        // One recording: a port leaves the pool, the recording is active.
        String recordingId = RecordingIds.next();
        int port = given().contentType(ContentType.JSON).body(request(recordingId))
                .post(InternalApi.ALLOCATIONS).then().statusCode(200).extract().path("port");
        assertThat(sample("callrec_ingest_ports_free")).isEqualTo(IngestTestResources.POOL_SIZE - 1.0);
        assertThat(sample("callrec_ingest_recordings_active")).isEqualTo(1.0);

        // The phone sends 30 RTP packets and 2 datagrams that are not RTP.
        try (DatagramSocket phone = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            for (int seq = 0; seq < 30; seq++) {
                send(phone, port, RtpPackets.pcma(seq, seq));
            }
            send(phone, port, new byte[] {1, 2, 3});
            send(phone, port, RtpPackets.versionOne());
            await().atMost(WAIT).until(() -> sample("callrec_ingest_packets_received_total") - received == 32);
        }
        Map<String, Object> result = given().contentType(ContentType.JSON).body(Map.of("reason", "hangup"))
                .post(InternalApi.release(recordingId)).then().statusCode(200)
                .extract().as(Map.class);

        // Once its END record is queued: every counter moved by what this recording did.
        await().atMost(WAIT).until(() -> sample("callrec_ingest_recordings_ended_total") - ended == 1);
        assertThat(sample("callrec_ingest_packets_dropped_total{reason=\"malformed\"}") - malformed).isEqualTo(2.0);
        assertThat(sample("callrec_ingest_recordings_started_total") - startedCount).isEqualTo(1.0);
        assertThat(sample("callrec_ingest_chunks_published_total") - chunks)
                .isEqualTo(((Number) result.get("chunks")).doubleValue())
                .isPositive();
        assertThat(sample("callrec_ingest_recordings_active")).isEqualTo(0.0);
        assertThat(get(metrics).body()).as("no recording id, SSRC or phone address in any metric")
                .doesNotContain(recordingId)
                .doesNotContain(Long.toString(RtpPackets.SSRC))
                .doesNotContain("00:15:65");
    }

    private static Map<String, Object> request(String recordingId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("recordingId", recordingId);
        body.put("tenant", "acme");
        body.put("phoneSessionId", "phone-session-1");
        body.put("device", "00:15:65:12:34:56");
        body.put("codec", "PCMA");
        body.put("direction", "in");
        body.put("phoneAddress", "127.0.0.1");
        body.put("fields", Map.of());
        return body;
    }

    private static void send(DatagramSocket socket, int port, byte[] data) throws Exception {
        socket.send(new DatagramPacket(data, data.length, InetAddress.getByName("127.0.0.1"), port));
    }

    private void awaitStatus(URI uri, int status) {
        await().atMost(WAIT).untilAsserted(() -> {
            HttpResponse<String> r = get(uri);
            assertThat(r.statusCode()).as("%s: %s", uri, r.body()).isEqualTo(status);
        });
    }

    /** A sample's value in the Prometheus text, {@code name{labels}} as printed; 0 when absent. */
    private double sample(String sample) throws Exception {
        for (String line : get(metrics).body().split("\n")) {
            if (line.startsWith(sample + " ")) {
                return Double.parseDouble(line.substring(sample.length() + 1).trim());
            }
        }
        return 0;
    }

    static Map<String, JsonNode> checks(String body) throws Exception {
        Map<String, JsonNode> byName = new HashMap<>();
        JSON.readTree(body).path("checks").forEach(c -> byName.put(c.path("name").asText(), c));
        return byName;
    }

    static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
