package org.callrec.catalog.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.callrec.catalog.problem.ProblemException;
import org.callrec.catalog.tenant.Tenant.Limits;
import org.callrec.core.registry.StoragePlacement;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class TenantRulesTest {

    private static TenantInput tenant(String id) {
        return new TenantInput(id, null, null, null, null, null, null, null);
    }

    private static List<String> fields(Runnable r) {
        try {
            r.run();
            throw new AssertionError("no problem");
        } catch (ProblemException e) {
            return e.problem().errors().stream().map(x -> x.field()).toList();
        }
    }

    @Test
    void fillsTheDefaultsAndNormalisesNetworks() {
        TenantInput t = TenantRules.validate(new TenantInput("acme", null, null,
                List.of("10.1.2.3/8", "10.0.0.0/8", "::ffff:192.0.2.1"), null, null, null, null));
        assertThat(t.name()).isEqualTo("acme");
        assertThat(t.status()).isEqualTo("active");
        assertThat(t.unknownDevices()).isEqualTo("refuse");
        assertThat(t.limits()).isEqualTo(Limits.NONE);
        assertThat(t.placement()).isEqualTo(StoragePlacement.DEFAULT);
        assertThat(t.allowedNetworks()).containsExactly("10.0.0.0/8", "192.0.2.1/32");
    }

    @Test
    void slugs() {
        for (String ok : List.of("a", "acme", "acme-corp", "0", "a1-b2", "a".repeat(63))) {
            TenantRules.validate(tenant(ok));
        }
        for (String bad : List.of("", "-acme", "acme-", "Acme", "acme_corp", "acme.corp", "a/b", "a".repeat(64), "ü")) {
            assertThat(fields(() -> TenantRules.validate(tenant(bad)))).as(bad).startsWith("id");
        }
    }

    @Test
    void bucketsAndPrefixes() {
        assertThat(TenantRules.isBucketName("acme-recordings")).isTrue();
        assertThat(TenantRules.isBucketName("a.b.c")).isTrue();
        for (String bad : List.of("ab", "Acme", "acme_rec", "-acme", "acme-", "a..b", "192.168.1.1", "xn--acme", "a".repeat(64))) {
            assertThat(TenantRules.isBucketName(bad)).as(bad).isFalse();
        }
        assertThat(TenantRules.isSafePrefix("acme")).isTrue();
        assertThat(TenantRules.isSafePrefix("acme/rec-2026/x_y.z")).isTrue();
        for (String bad : List.of("", "/acme", "acme/", "a//b", "a/../b", "..", ".", "Acme", "a b", "a\\b")) {
            assertThat(TenantRules.isSafePrefix(bad)).as(bad).isFalse();
        }
    }

    @Test
    void listsEveryErrorAtOnce() {
        assertThat(fields(() -> TenantRules.validate(new TenantInput("ok", " ", "paused", List.of("10.0.0.0/8", "nope"),
                new Limits(0, -1), 0, new StoragePlacement("B", "../x", "has space"), "maybe"))))
                .containsExactly("name", "status", "unknownDevices", "allowedNetworks[1]", "limits.concurrentRecordings",
                        "limits.maxRecordingSeconds", "retentionDays", "placement.bucket", "placement.prefix",
                        "placement.kmsKeyId");
    }

    @Test
    void mergePatchFollowsRfc7396() throws Exception {
        ObjectMapper m = new ObjectMapper();
        var target = m.readTree("{\"a\":\"b\",\"c\":{\"d\":\"e\",\"f\":\"g\"}}");
        var patch = m.readTree("{\"a\":\"z\",\"c\":{\"f\":null}}");
        assertThat(MergePatch.apply(target, patch)).isEqualTo(m.readTree("{\"a\":\"z\",\"c\":{\"d\":\"e\"}}"));
        assertThat(MergePatch.apply(m.readTree("{\"a\":[1]}"), m.readTree("{\"a\":[2,3]}")))
                .isEqualTo(m.readTree("{\"a\":[2,3]}"));
        assertThat(MergePatch.apply(m.readTree("{\"a\":1}"), m.readTree("{\"b\":{\"c\":null}}")))
                .isEqualTo(m.readTree("{\"a\":1,\"b\":{}}"));
    }

    @Test
    void aProblemHasItsTypeAndStatus() {
        assertThatThrownBy(() -> TenantRules.validate(tenant("Bad")))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.problem().type()).isEqualTo("urn:callrec:problem:validation");
                    assertThat(e.problem().status()).isEqualTo(400);
                });
    }
}
