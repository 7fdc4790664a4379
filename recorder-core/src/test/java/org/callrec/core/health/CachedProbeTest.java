package org.callrec.core.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CachedProbeTest {

    private static final Duration TTL = Duration.ofSeconds(5);
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final AtomicLong now = new AtomicLong(1_000);
    private final AtomicInteger checks = new AtomicInteger();
    private final AtomicReference<CompletableFuture<String>> pending = new AtomicReference<>();
    private final CachedProbe probe = new CachedProbe(TTL, TIMEOUT, () -> {
        checks.incrementAndGet();
        CompletableFuture<String> f = new CompletableFuture<>();
        pending.set(f);
        return f;
    }, now::get);

    @Test
    @DisplayName("DOWN until the first check answers, then its answer")
    void downUntilTheFirstAnswer() {
        assertThat(probe.current().up()).isFalse();
        assertThat(checks).hasValue(1);

        pending.get().complete("bucket exists");

        assertThat(probe.current()).isEqualTo(new CachedProbe.Result(true, "bucket exists"));
    }

    @Test
    @DisplayName("a result is reused for its time to live, then a new check starts in the background")
    void cachedForItsTimeToLive() {
        probe.current();
        pending.get().complete("ok");

        // Within the time to live: no new check.
        now.addAndGet(TTL.toNanos() - 1);
        assertThat(probe.current().up()).isTrue();
        assertThat(checks).hasValue(1);

        // Stale: a new check starts, and until it answers the last result stands.
        now.addAndGet(1);
        assertThat(probe.current().up()).isTrue();
        assertThat(checks).hasValue(2);
        pending.get().completeExceptionally(new java.net.ConnectException("Connection refused"));
        assertThat(probe.current()).isEqualTo(new CachedProbe.Result(false, "ConnectException: Connection refused"));
    }

    @Test
    @DisplayName("one check at a time, and DOWN when it hangs past the timeout")
    void aHangingCheckMeansDown() {
        probe.current();
        pending.get().complete("ok");
        now.addAndGet(TTL.toNanos());
        probe.current(); // starts check 2, which hangs

        now.addAndGet(TIMEOUT.toNanos());
        assertThat(probe.current().up()).as("at the timeout").isTrue();
        now.addAndGet(1);
        CachedProbe.Result late = probe.current();
        assertThat(late.up()).isFalse();
        assertThat(late.detail()).startsWith("no answer for");
        assertThat(checks).as("no second check while one runs").hasValue(2);

        // It answers after all: UP again.
        pending.get().complete("ok");
        assertThat(probe.current().up()).isTrue();
    }

    @Test
    @DisplayName("a check that throws instead of failing its stage counts as DOWN, and is retried")
    void aThrowingCheckIsDown() {
        CachedProbe throwing = new CachedProbe(TTL, TIMEOUT, () -> {
            checks.incrementAndGet();
            throw new IllegalStateException("closed");
        }, now::get);

        assertThat(throwing.current()).isEqualTo(new CachedProbe.Result(false, "IllegalStateException: closed"));
        now.addAndGet(TTL.toNanos());
        throwing.current();
        assertThat(checks).hasValue(2);
    }

    @Test
    @DisplayName("a check failing with a reason of its own is reported with that reason alone")
    void aReasonIsReportedAsItIs() {
        probe.current();
        pending.get().completeExceptionally(new CachedProbe.Failed("bucket recordings does not exist"));

        assertThat(probe.current()).isEqualTo(new CachedProbe.Result(false, "bucket recordings does not exist"));
    }
}
