package org.callrec.control.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.callrec.core.registry.TenantActivity;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** One replica's side of the tenants' limit, on a clock of the test's. */
class TenantQuotaTest {

    final AtomicLong now = new AtomicLong(1_000_000);
    final TenantQuota quota = new TenantQuota("me", 5_000, now::get);

    @Test
    @DisplayName("admits while its own and the others' fresh counts stay under the limit; no limit admits all")
    void limit() {
        quota.onActivity(new TenantActivity("other", now.get(), Map.of("acme", 2)));
        assertThat(quota.tryReserve("acme", 3)).isTrue();
        assertThat(quota.tryReserve("acme", 3)).isFalse();
        assertThat(quota.tryReserve("beta", null)).isTrue();
        quota.release("acme");
        assertThat(quota.tryReserve("acme", 3)).isTrue();
    }

    @Test
    @DisplayName("ignores its own entries, an older entry than the one held, and entries past the expiry")
    void entries() {
        quota.onActivity(new TenantActivity("me", now.get(), Map.of("acme", 5)));
        assertThat(quota.othersActive("acme")).isZero();
        quota.onActivity(new TenantActivity("other", now.get(), Map.of("acme", 2)));
        quota.onActivity(new TenantActivity("other", now.get() - 10, Map.of("acme", 7)));
        assertThat(quota.othersActive("acme")).isEqualTo(2);
        now.addAndGet(5_001);
        assertThat(quota.othersActive("acme")).isZero();
        assertThat(quota.peers()).isZero();
        quota.onActivity(new TenantActivity("other", now.get(), Map.of("acme", 1)));
        quota.forget("other");
        assertThat(quota.othersActive("acme")).isZero();
    }

    @Test
    @DisplayName("a forged entry from the future or with negative counts neither blocks a tenant for ever nor frees room")
    void forgedEntries() {
        quota.onActivity(new TenantActivity("forger", now.get() + 3_600_000, Map.of("acme", 1_000)));
        assertThat(quota.othersActive("acme")).isZero();
        assertThat(quota.tryReserve("acme", 3)).isTrue();

        quota.onActivity(new TenantActivity("other", now.get(), Map.of("acme", -50)));
        assertThat(quota.othersActive("acme")).isZero();
        assertThat(quota.tryReserve("acme", 3)).isTrue();
        assertThat(quota.tryReserve("acme", 3)).isTrue();
        assertThat(quota.tryReserve("acme", 3)).isFalse();
    }

    @Test
    @DisplayName("publishes a change at most every interval (coalesced), and a heartbeat without change")
    void publication() {
        assertThat(quota.due(100, 1_000)).isPresent(); // first heartbeat at once
        quota.tryReserve("acme", null);
        assertThat(quota.due(100, 1_000)).isEmpty(); // within the interval: waits
        quota.tryReserve("acme", null);
        now.addAndGet(100);
        assertThat(quota.due(100, 1_000)).hasValueSatisfying(a -> assertThat(a.active()).isEqualTo(Map.of("acme", 2)));
        now.addAndGet(500);
        assertThat(quota.due(100, 1_000)).isEmpty(); // no change, no heartbeat yet
        now.addAndGet(500);
        assertThat(quota.due(100, 1_000)).hasValueSatisfying(a -> {
            assertThat(a.instance()).isEqualTo("me");
            assertThat(a.atMillis()).isEqualTo(now.get());
        });
        // a tenant back at zero is left out
        quota.release("acme");
        quota.release("acme");
        now.addAndGet(100);
        assertThat(quota.due(100, 1_000)).hasValueSatisfying(a -> assertThat(a.active()).isEmpty());
    }
}
