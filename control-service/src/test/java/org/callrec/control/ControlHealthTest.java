package org.callrec.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import jakarta.inject.Inject;

import org.callrec.control.protocol.ControlServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Health and metrics on the management port: readiness follows the TCP server and the ingest
 * nodes' answers, liveness never does; commands and open recordings are counted by type and
 * result, never by recording.
 */
@QuarkusTest
@WithTestResource(FakeIngestNodes.class)
class ControlHealthTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
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
    ControlServer server;

    FakeIngestNodes nodes;

    @BeforeEach
    void resetNodes() {
        nodes.reset();
    }

    @Test
    @DisplayName("started and ready once the TCP server listens and the ingest nodes answer")
    void readyWhenListeningAndNodesAnswer() throws Exception {
        awaitStatus(ready, 200);
        Map<String, JsonNode> checks = checks(get(ready).body());
        assertThat(checks.get("control-server").path("data").path("port").asInt()).isEqualTo(server.port());
        assertThat(checks.get("ingest-nodes").path("data").path("answering").asInt()).isEqualTo(2);
        assertThat(get(started).statusCode()).isEqualTo(200);
        assertThat(checks(get(started).body())).containsKey("control-server");
        assertThat(get(live).statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("not ready while no ingest node answers, ready again when one does; live throughout")
    void notReadyWithoutAnsweringNodes() throws Exception {
        awaitStatus(ready, 200);

        // Both nodes stop answering (their HTTP server hangs).
        nodes.first().onProbe(FakeIngestNode.Behaviour.HANG);
        nodes.second().onProbe(FakeIngestNode.Behaviour.HANG);
        awaitStatus(ready, 503);
        assertThat(checks(get(ready).body()).get("ingest-nodes").path("status").asText()).isEqualTo("DOWN");
        assertThat(get(live).statusCode()).as("an ingest outage never restarts control").isEqualTo(200);

        // One answers again: ready.
        nodes.reset();
        awaitStatus(ready, 200);
    }

    @Test
    @DisplayName("commands are counted by type and result, open recordings by a gauge, no recording id anywhere")
    void commandsAndRecordingsAreCounted() throws Exception {
        // the gauges are absolute: let the connections of earlier tests finish closing first
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(sample("callrec_control_connections_active")).isEqualTo(0.0);
            assertThat(sample("callrec_control_recordings_active")).isEqualTo(0.0);
        });
        double startsBefore = sample("callrec_control_commands_total{command=\"RecordStartRequest\",result=\"success\"}");
        double stopsBefore = sample("callrec_control_commands_total{command=\"RecordStopRequest\",result=\"success\"}");
        double badBefore = sample("callrec_control_commands_total{command=\"RecordStartRequest\",result=\"bad-request\"}");
        double unknownBefore = sample("callrec_control_commands_total{command=\"other\",result=\"unknown-command\"}");

        try (PhoneConnection phone = new PhoneConnection(server.port())) {
            // A start: one success, one recording open.
            assertThat(phone.send(PhoneConnection.startCommand("metrics-1"))).containsEntry("result", "success");
            String recordingId = nodes.allocationFor("metrics-1").orElseThrow().request().recordingId();
            assertThat(sample("callrec_control_recordings_active")).isEqualTo(1.0);
            assertThat(sample("callrec_control_connections_active")).isEqualTo(1.0);

            // A start without id, and a command nobody knows (its name must not become a tag value).
            assertThat(phone.send("cmd=RecordStartRequest&device=0c383e000001&codec=PCMA"))
                    .containsEntry("reason", "bad-request");
            assertThat(phone.send("cmd=FirmwareUpgradeRequest&id=x")).containsEntry("reason", "unknown-command");

            // The stop: one success, nothing open.
            assertThat(phone.send(PhoneConnection.stopCommand("metrics-1"))).containsEntry("result", "success");
            assertThat(sample("callrec_control_recordings_active")).isEqualTo(0.0);

            // Not even the HTTP client meters of the release call name the recording.
            String text = get(metrics).body();
            assertThat(text).doesNotContain(recordingId).doesNotContain("metrics-1").doesNotContain("FirmwareUpgrade");
        }
        assertThat(sample("callrec_control_commands_total{command=\"RecordStartRequest\",result=\"success\"}") - startsBefore)
                .isEqualTo(1.0);
        assertThat(sample("callrec_control_commands_total{command=\"RecordStopRequest\",result=\"success\"}") - stopsBefore)
                .isEqualTo(1.0);
        assertThat(sample("callrec_control_commands_total{command=\"RecordStartRequest\",result=\"bad-request\"}") - badBefore)
                .isEqualTo(1.0);
        assertThat(sample("callrec_control_commands_total{command=\"other\",result=\"unknown-command\"}") - unknownBefore)
                .isEqualTo(1.0);
        await().atMost(WAIT).untilAsserted(() -> assertThat(sample("callrec_control_connections_active")).isEqualTo(0.0));
        // both nodes answer the probes (again, if an earlier test silenced them)
        await().atMost(WAIT).untilAsserted(() -> assertThat(sample("callrec_control_ingest_nodes_answering"))
                .isEqualTo(2.0));
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

    private static Map<String, JsonNode> checks(String body) throws Exception {
        Map<String, JsonNode> byName = new HashMap<>();
        JSON.readTree(body).path("checks").forEach(c -> byName.put(c.path("name").asText(), c));
        return byName;
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
