package org.callrec.ingest.allocation;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.callrec.core.allocation.InternalApi;
import org.callrec.core.chunk.ChunkCodec;
import org.callrec.core.chunk.MediaChunk;
import org.callrec.core.chunk.RecordType;
import org.callrec.core.chunk.RecordingEnded;
import org.callrec.core.id.RecordingIds;
import org.callrec.ingest.IngestTestResources;
import org.callrec.ingest.InternalApiToken;
import org.callrec.ingest.MediaTopicReader;
import org.callrec.ingest.config.IngestConfig;
import org.callrec.testing.rtp.RtpPackets;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * {@code POST /internal/v1/node/drain}: the drain the Helm chart's preStop hook starts before
 * SIGTERM. A drained node cannot take recordings again, so this test runs in an application of
 * its own (its own profile).
 */
@QuarkusTest
@WithTestResource(IngestTestResources.class)
@TestProfile(NodeDrainTest.OwnNode.class)
class NodeDrainTest {

    /** A profile of its own, so that no other test meets a drained node. */
    public static final class OwnNode implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ingest.release-linger", "0s");
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALLOCATIONS = InternalApi.ALLOCATIONS;

    @TestHTTPResource("/")
    URL url;
    @TestHTTPResource(value = "/health/ready", management = true)
    URI ready;
    @TestHTTPResource(value = "/health/live", management = true)
    URI live;

    @Inject
    Allocations allocations;
    @Inject
    IngestConfig config;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    @DisplayName("the drain refuses new allocations with shutting-down and takes readiness down, while the open recording goes on recording")
    void drainKeepsTheOpenRecordings() throws Exception {
        await().atMost(WAIT).until(() -> get(ready).statusCode() == 200);
        given().get(InternalApi.NODE).then().statusCode(200).body("draining", equalTo(false));

        // A call is being recorded: the phone sends 20 packets
        String open = RecordingIds.next();
        int port = given().contentType(ContentType.JSON).body(request(open)).post(ALLOCATIONS)
                .then().statusCode(200).extract().path("port");
        try (DatagramSocket phone = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            for (int seq = 0; seq < 20; seq++) {
                send(phone, port, RtpPackets.pcma(seq, seq));
            }
            await().atMost(WAIT).until(() -> accepted(open) == 20);

            // The preStop hook asks for the drain the way it does (HTTP/1.0 over bash's /dev/tcp),
            // then again: the same answer, the process goes on
            String answer = http10("POST", InternalApi.NODE_DRAIN);
            assertThat(answer).startsWith("HTTP/1.0 200").endsWith("\"openRecordings\":1}")
                    .contains("\"node\":\"" + IngestTestResources.NODE_ID + "\"");
            given().post(InternalApi.NODE_DRAIN).then().statusCode(200)
                    .body("node", equalTo(IngestTestResources.NODE_ID))
                    .body("openRecordings", equalTo(1));

            // A new call is refused as after SIGTERM: control-service tries its next node
            given().contentType(ContentType.JSON).body(request(RecordingIds.next())).post(ALLOCATIONS)
                    .then().statusCode(503).body("error", equalTo("shutting-down"));

            // Readiness is down for the allocations check only; liveness stays up
            HttpResponse<String> readiness = get(ready);
            assertThat(readiness.statusCode()).isEqualTo(503);
            assertThat(status(readiness.body(), "allocations")).isEqualTo("DOWN");
            assertThat(get(live).statusCode()).isEqualTo(200);
            given().get(InternalApi.NODE).then().statusCode(200)
                    .body("draining", equalTo(true)).body("openRecordings", equalTo(1));

            // The open call keeps recording: 20 more packets are accepted, its lease is renewed
            for (int seq = 20; seq < 40; seq++) {
                send(phone, port, RtpPackets.pcma(seq, seq));
            }
            await().atMost(WAIT).until(() -> accepted(open) == 40);
            given().contentType(ContentType.JSON).body(Map.of("recordingIds", List.of(open)))
                    .post(InternalApi.LEASES).then().statusCode(200).body("unknown", org.hamcrest.Matchers.empty());
        }

        // The call ends normally: an END with its reason and all 40 packets published
        given().contentType(ContentType.JSON).body(Map.of("reason", "hangup"))
                .post(ALLOCATIONS + "/" + open + "/release").then().statusCode(200);
        List<ConsumerRecord<String, byte[]>> records = MediaTopicReader.readRecording(bootstrapServers,
                config.kafka().mediaTopic(), open);
        RecordingEnded end = ChunkCodec.decodeEnd(records.get(records.size() - 1).value());
        assertThat(end.reason()).isEqualTo("hangup");
        assertThat(end.packetsAccepted()).isEqualTo(40);
        assertThat(records.stream().filter(r -> ChunkCodec.typeOf(r.value()) == RecordType.MEDIA)
                .mapToLong(r -> MediaChunk.parse(r.value()).packetCount()).sum()).isEqualTo(40);

        // Empty now, the node stays drained: the last line the preStop hook reads is []
        assertThat(http10("GET", ALLOCATIONS)).startsWith("HTTP/1.0 200").endsWith("\n[]");
        given().get(InternalApi.NODE).then().body("draining", equalTo(true)).body("openRecordings", equalTo(0));
        assertThat(get(ready).statusCode()).isEqualTo(503);
    }

    /** A request as the chart's preStop hook sends it; the whole answer, read until the node closes. */
    private String http10(String method, String path) throws Exception {
        try (Socket socket = new Socket(url.getHost(), url.getPort())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write((method + " " + path + " HTTP/1.0\r\nAuthorization: "
                    + InternalApiToken.authorization() + "\r\nContent-Length: 0\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private long accepted(String recordingId) {
        return allocations.sessions().stream().filter(s -> s.start().recordingId().equals(recordingId))
                .mapToLong(s -> s.result().packetsAccepted()).findFirst().orElse(-1);
    }

    private static Map<String, Object> request(String recordingId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("recordingId", recordingId);
        body.put("tenant", "acme");
        body.put("codec", "PCMA");
        body.put("direction", "in");
        body.put("phoneAddress", "127.0.0.1");
        return body;
    }

    private static void send(DatagramSocket socket, int port, byte[] data) throws Exception {
        socket.send(new DatagramPacket(data, data.length, InetAddress.getByName("127.0.0.1"), port));
    }

    private static String status(String healthBody, String check) throws Exception {
        for (JsonNode c : JSON.readTree(healthBody).path("checks")) {
            if (c.path("name").asText().equals(check)) {
                return c.path("status").asText();
            }
        }
        return "absent";
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
