package org.callrec.ingest.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.callrec.ingest.IngestTestResources;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A node configured to advertise a wildcard address (what a chart without an explicit address
 * or downward-API value would give) is not ready: phones could not be sent anywhere. It starts
 * and stays live.
 */
@QuarkusTest
@TestProfile(WildcardAdvertisedAddressTest.Wildcard.class)
@WithTestResource(IngestTestResources.class)
class WildcardAdvertisedAddressTest {

    /** {@code ingest.advertised-address=0.0.0.0}. */
    public static class Wildcard implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ingest.advertised-address", "0.0.0.0");
        }
    }

    @TestHTTPResource(value = "/health/ready", management = true)
    URI ready;
    @TestHTTPResource(value = "/health/live", management = true)
    URI live;
    @TestHTTPResource(value = "/health/started", management = true)
    URI started;

    @Test
    @DisplayName("readiness is DOWN with the reason; started and live are UP")
    void notReadyWithAWildcardAdvertisedAddress() throws Exception {
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            Map<String, JsonNode> checks = IngestHealthTest.checks(IngestHealthTest.get(ready).body());
            assertThat(checks.get("advertised-address").path("status").asText()).isEqualTo("DOWN");
            // the other checks have answered by now: only the address holds readiness back
            assertThat(checks.get("kafka").path("status").asText()).isEqualTo("UP");
        });
        assertThat(IngestHealthTest.get(ready).statusCode()).isEqualTo(503);
        JsonNode address = IngestHealthTest.checks(IngestHealthTest.get(ready).body()).get("advertised-address");
        assertThat(address.path("data").path("detail").asText())
                .isEqualTo("0.0.0.0 is a wildcard address, phones cannot send to it");
        assertThat(IngestHealthTest.get(started).statusCode()).isEqualTo(200);
        assertThat(IngestHealthTest.get(live).statusCode()).isEqualTo(200);
    }
}
