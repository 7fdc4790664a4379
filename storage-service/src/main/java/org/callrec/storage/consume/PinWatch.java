package org.callrec.storage.consume;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.apache.kafka.common.TopicPartition;
import org.callrec.storage.metrics.StorageMetrics;
import org.jboss.logging.Logger;

/**
 * How long each partition's commit has been held back by its oldest open recording (from the
 * time its START was read): the gauge {@code callrec_storage_partition_pinned_seconds} per
 * partition (partitions are few and fixed), and a WARN line when a recording holds it past
 * {@code storage.limits.pinned-warn-after} (once per recording). A pinned partition means a
 * restart reads it again from that START, for every tenant on it. {@link #check} runs on the
 * consumer thread; the gauges are read from others.
 */
final class PinWatch {

    private static final Logger LOG = Logger.getLogger(PinWatch.class);

    private final OffsetTracker tracker;
    private final StorageMetrics metrics;
    private final long warnAfterNanos;
    private final Duration warnAfter;
    private final Function<OffsetTracker.Ticket, String> recordingOf;
    private final Map<Integer, Double> pinnedSeconds = new ConcurrentHashMap<>();
    private final Map<TopicPartition, OffsetTracker.Ticket> warned = new ConcurrentHashMap<>();

    /** @param recordingOf the recording id of a ticket (for the log line) */
    PinWatch(OffsetTracker tracker, StorageMetrics metrics, Duration warnAfter,
             Function<OffsetTracker.Ticket, String> recordingOf) {
        this.tracker = tracker;
        this.metrics = metrics;
        this.warnAfter = warnAfter;
        this.warnAfterNanos = warnAfter.toNanos();
        this.recordingOf = recordingOf;
    }

    /** Updates the gauges and warns about partitions pinned past the threshold, as of {@code nowNanos}. */
    void check(long nowNanos) {
        pinnedSeconds.replaceAll((p, s) -> 0.0);
        for (TopicPartition tp : tracker.partitions()) {
            OffsetTracker.Ticket oldest = tracker.oldest(tp);
            long age = oldest == null ? 0 : Math.max(0, nowNanos - oldest.openedNanos());
            if (pinnedSeconds.putIfAbsent(tp.partition(), age / 1e9) == null) {
                metrics.partitionPinned(tp.partition(), p -> pinnedSeconds.getOrDefault(p, 0.0));
            }
            pinnedSeconds.put(tp.partition(), age / 1e9);
            if (oldest != null && age >= warnAfterNanos && warned.get(tp) != oldest) {
                warned.put(tp, oldest);
                metrics.partitionPinnedWarning();
                LOG.warnf("Partition %s: its commit has been held at offset %d for %ds by recording %s (not stored"
                        + " yet), past storage.limits.pinned-warn-after (%s); a restart reads the partition again from"
                        + " there", tp, oldest.startOffset(), age / 1_000_000_000L, recordingOf.apply(oldest), warnAfter);
            }
        }
    }

    /** Seconds partition {@code partition} has been pinned, as of the last check (0 if not). */
    double pinnedSeconds(int partition) {
        return pinnedSeconds.getOrDefault(partition, 0.0);
    }
}
