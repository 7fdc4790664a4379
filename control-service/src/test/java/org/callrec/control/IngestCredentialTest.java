package org.callrec.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.callrec.control.protocol.ControlServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * control-service sends the service credential ({@code control.ingest.token-file}) on every
 * call to a node, and a node that refuses it is of no use: starts go elsewhere or fail
 * {@code no-capacity}, the refusals are counted, and readiness does not count the node.
 */
@QuarkusTest
@WithTestResource(FakeIngestNodes.class)
class IngestCredentialTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String OTHER_TOKEN = "another-deployments-token-0123456789";

    @TestHTTPResource(value = "/metrics", management = true)
    URI metrics;
    @TestHTTPResource(value = "/health/ready", management = true)
    URI ready;
    @Inject
    ControlServer server;

    FakeIngestNodes nodes;

    @BeforeEach
    void resetNodes() {
        nodes.reset();
    }

    @Test
    @DisplayName("allocate, lease renewal, release and the probe all carry the token: no node saw a call without it")
    void everyCallCarriesTheToken() {
        try (PhoneConnection phone = new PhoneConnection(server.port())) {
            Map<String, String> started = phone.send(PhoneConnection.startCommand("cred-1"));
            assertThat(started).contains(entry("result", "success"));
            String recordingId = nodes.allocationFor("cred-1").orElseThrow().answer().recordingId();
            FakeIngestNode node = nodes.first().allocationFor("cred-1").isPresent() ? nodes.first() : nodes.second();

            await().atMost(Duration.ofSeconds(5)).until(() -> !node.leaseCalls().isEmpty());
            assertThat(phone.send(PhoneConnection.stopCommand("cred-1"))).contains(entry("result", "success"));
            await().atMost(Duration.ofSeconds(5)).until(() -> !nodes.releaseCalls(recordingId).isEmpty());
        }
        // The fake nodes answer 401 to a call without the token: none came
        assertThat(nodes.first().unauthorizedCalls()).isZero();
        assertThat(nodes.second().unauthorizedCalls()).isZero();
    }

    @Test
    @DisplayName("nodes that accept another token: the start fails no-capacity, 401s are counted, control is not ready")
    void nodesWithAnotherToken() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> get(ready).statusCode() == 200);
        double before = unauthorized();
        nodes.first().acceptOnly(OTHER_TOKEN);
        nodes.second().acceptOnly(OTHER_TOKEN);

        try (PhoneConnection phone = new PhoneConnection(server.port())) {
            assertThat(phone.send(PhoneConnection.startCommand("cred-2")))
                    .contains(entry("result", "failed"), entry("reason", "no-capacity"));
        }
        assertThat(nodes.first().unauthorizedCalls()).isPositive();
        assertThat(nodes.second().unauthorizedCalls()).isPositive();
        assertThat(unauthorized()).isGreaterThanOrEqualTo(before + 2);
        // Their 401 answers to the probes do not count as answers: readiness goes down
        await().atMost(Duration.ofSeconds(10)).until(() -> get(ready).statusCode() == 503);

        nodes.reset();
        await().atMost(Duration.ofSeconds(10)).until(() -> get(ready).statusCode() == 200);
    }

    private double unauthorized() throws Exception {
        Matcher m = Pattern.compile("^callrec_control_ingest_unauthorized_total(\\{[^}]*})? ([0-9.eE+-]+)$",
                Pattern.MULTILINE).matcher(get(metrics).body());
        assertThat(m.find()).as("the counter is exported").isTrue();
        return Double.parseDouble(m.group(2));
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
