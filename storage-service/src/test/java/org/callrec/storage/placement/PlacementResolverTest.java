package org.callrec.storage.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.callrec.core.registry.StoragePlacement;
import org.callrec.storage.metrics.StorageMetrics;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** What a START record's placement becomes: checked, with the deployment's defaults for what is unset or wrong. */
class PlacementResolverTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final PlacementResolver https = new PlacementResolver("recordings", "https://s3.example.net",
            new StorageMetrics(meters));
    private final PlacementResolver http = new PlacementResolver("recordings", "http://127.0.0.1:9000",
            new StorageMetrics(meters));

    @Test
    @DisplayName("unset (null or blank) parts: the deployment's bucket, the tenant id as prefix, no KMS")
    void defaults() {
        assertThat(https.resolve("acme", null, "r")).isEqualTo(new Placement("recordings", "acme", null, null));
        assertThat(https.resolve("acme", new StoragePlacement(" ", "", null), "r"))
                .isEqualTo(new Placement("recordings", "acme", null, null));
        // a tenant id that is not a slug is made safe as ever
        assertThat(https.resolve("a/b", StoragePlacement.DEFAULT, "r").prefix()).isEqualTo("a_b");
    }

    @Test
    @DisplayName("a valid placement is used as it is")
    void validPlacement() {
        StoragePlacement p = new StoragePlacement("acme-calls.eu", "acme/EU_1/calls-2", "alias/acme");
        assertThat(https.resolve("acme", p, "r"))
                .isEqualTo(new Placement("acme-calls.eu", "acme/EU_1/calls-2", "alias/acme", null));
    }

    @Test
    @DisplayName("a bucket or prefix that breaks the rules falls back to the defaults, counted by part; SSE-KMS is kept")
    void invalidFallsBack() {
        Map<String, String> buckets = Map.of("ab", "short", "Acme", "upper case", "acme..x", "two dots",
                "192.168.1.1", "IP", "-acme", "dash first", "acme_x", "underscore", "xn--acme", "reserved");
        buckets.forEach((b, why) -> assertThat(https.resolve("acme", new StoragePlacement(b, "p", "k-1"), "r"))
                .as(why).isEqualTo(new Placement("recordings", "acme", "k-1", null)));
        for (String prefix : new String[] {"../x", "a/../b", "a//b", "/a", "a/", ".", "a/./b", "a b", "a\\b",
            "é", "a\n", "x".repeat(513)}) {
            assertThat(https.resolve("acme", new StoragePlacement("acme-calls", prefix, null), "r")).as(prefix)
                    .isEqualTo(new Placement("recordings", "acme", null, null));
        }
        assertThat(meters.counter("callrec.storage.placements.invalid", "part", "bucket").count())
                .isEqualTo(buckets.size());
        assertThat(meters.counter("callrec.storage.placements.invalid", "part", "prefix").count()).isEqualTo(12);
    }

    @Test
    @DisplayName("SSE-KMS: usable over https; over http, or with a key id that is not one, the placement is unusable")
    void kms() {
        StoragePlacement arn = new StoragePlacement("acme-calls", null, "arn:aws:kms:eu-west-1:111122223333:key/1234abcd");
        assertThat(https.resolve("acme", arn, "r").usable()).isTrue();
        assertThat(http.resolve("acme", arn, "r").unusable()).isEqualTo(Placement.Unusable.KMS_NEEDS_TLS);
        assertThat(https.resolve("acme", new StoragePlacement(null, null, "key with spaces"), "r").unusable())
                .isEqualTo(Placement.Unusable.INVALID_KMS_KEY);
        // no KMS asked for: plain HTTP is fine
        assertThat(http.resolve("acme", new StoragePlacement("acme-calls", null, null), "r").usable()).isTrue();
    }
}
