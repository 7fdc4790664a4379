package org.callrec.storage.consume;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.common.TopicPartition;
import org.callrec.storage.metrics.StorageMetrics;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** A partition whose commit an open recording holds back shows its age in a gauge, and past the threshold a warning. */
class PinWatchTest {

    private static final long MINUTE = Duration.ofMinutes(1).toNanos();

    @Test
    @DisplayName("the gauge follows the oldest open START per partition; one warning per recording past 15 min")
    void pinnedPartition() {
        AtomicLong now = new AtomicLong(1_000 * MINUTE);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        OffsetTracker tracker = new OffsetTracker(now::get);
        TopicPartition p0 = new TopicPartition("media", 0);
        TopicPartition p1 = new TopicPartition("media", 1);
        tracker.assign(List.of(p0, p1));
        PinWatch watch = new PinWatch(tracker, new StorageMetrics(registry), Duration.ofMinutes(15), t -> "rec-x");

        // a recording starts on partition 0 and is never stored
        OffsetTracker.Ticket stuck = tracker.open(p0, 10);
        now.addAndGet(10 * MINUTE);
        watch.check(now.get());
        assertThat(pinned(registry, 0)).isEqualTo(600.0);
        assertThat(pinned(registry, 1)).isZero();
        assertThat(warnings(registry)).isZero();

        // past 15 min: warned once, however often it is checked
        now.addAndGet(6 * MINUTE);
        watch.check(now.get());
        watch.check(now.get());
        assertThat(pinned(registry, 0)).isEqualTo(960.0);
        assertThat(warnings(registry)).isEqualTo(1.0);

        // stored: the partition is free again
        tracker.release(stuck);
        watch.check(now.get());
        assertThat(pinned(registry, 0)).isZero();
        assertThat(warnings(registry)).isEqualTo(1.0);
    }

    private static double pinned(SimpleMeterRegistry registry, int partition) {
        return registry.get("callrec.storage.partition.pinned").tag("partition", Integer.toString(partition)).gauge()
                .value();
    }

    private static double warnings(SimpleMeterRegistry registry) {
        var c = registry.find("callrec.storage.partition.pinned.warnings").counter();
        return c == null ? 0 : c.count();
    }
}
