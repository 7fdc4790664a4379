package org.callrec.storage.consume;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;

/**
 * How far this consumer has provably read each partition, in the local monotonic clock: the
 * basis of the {@code ingest-lost} judgement, which must never mistake "not read yet" (a backlog
 * after a restart, a slow consumer, a broker that cannot be reached) for "nothing was sent".
 *
 * <p>Every sweep the consumer asks the broker for the end offsets of its partitions (a
 * <em>probe</em>, sent at local time {@code t}). Once the consumer's position on a partition has
 * reached the end offset a probe returned, every record appended to that partition before
 * {@code t} has been read: the partition is <em>read through</em> {@code t}. A recording whose
 * last record was read at {@code s} has then certainly had nothing appended for
 * {@code t − s} (its last record was appended no later than it was read).
 *
 * <p>A probe that fails (broker unreachable) forgets everything: silence is counted again from
 * the first successful probe after it ({@link #trustedSince}), so neither a storage restart nor a
 * broker outage counts as silence of the recordings — an ingest node keeps its records while
 * Kafka is away and sends them when it returns. Used by the consumer thread only.
 */
public final class PartitionProgress {

    /** Checkpoints kept per partition; a newer probe is not recorded while this many are pending. */
    static final int MAX_CHECKPOINTS = 64;

    private static final long NONE = Long.MIN_VALUE;

    private static final class State {
        final ArrayDeque<long[]> checkpoints = new ArrayDeque<>(); // {endOffset, probedAtNanos}, oldest first
        long position = -1;
        long trustedSince = NONE;
        long readThrough = NONE;
    }

    private final Map<TopicPartition, State> partitions = new HashMap<>();

    /** Partitions newly assigned: nothing is known about them yet. */
    public void assign(Collection<TopicPartition> assigned) {
        for (TopicPartition tp : assigned) {
            partitions.put(tp, new State());
        }
    }

    /** Partitions taken away. */
    public void revoke(Collection<TopicPartition> revoked) {
        revoked.forEach(partitions::remove);
    }

    /**
     * A probe sent at {@code sentAtNanos} answered with these end offsets (offset of the next
     * record to be appended).
     */
    public void probed(Map<TopicPartition, Long> endOffsets, long sentAtNanos) {
        endOffsets.forEach((tp, end) -> {
            State s = partitions.get(tp);
            if (s == null || end == null) {
                return;
            }
            if (s.trustedSince == NONE) {
                s.trustedSince = sentAtNanos;
            }
            if (s.checkpoints.size() < MAX_CHECKPOINTS) {
                s.checkpoints.addLast(new long[] {end, sentAtNanos});
            }
            advance(s);
        });
    }

    /** A probe (or a poll) failed: the broker may be unreachable; silence is counted afresh afterwards. */
    public void probeFailed() {
        for (State s : partitions.values()) {
            s.checkpoints.clear();
            s.trustedSince = NONE;
            s.readThrough = NONE;
        }
    }

    /** The consumer's position on {@code tp}: every record below it has been read and routed. */
    public void position(TopicPartition tp, long position) {
        State s = partitions.get(tp);
        if (s == null) {
            return;
        }
        s.position = Math.max(s.position, position);
        advance(s);
    }

    /**
     * Whether a recording on {@code tp} whose last record was read at {@code lastReadNanos} has
     * provably had no record appended for at least {@code timeoutNanos}.
     */
    public boolean silentFor(TopicPartition tp, long lastReadNanos, long timeoutNanos) {
        State s = partitions.get(tp);
        if (s == null || s.readThrough == NONE || s.trustedSince == NONE) {
            return false;
        }
        long from = lastReadNanos - s.trustedSince > 0 ? lastReadNanos : s.trustedSince;
        return s.readThrough - from >= timeoutNanos;
    }

    private static void advance(State s) {
        while (!s.checkpoints.isEmpty() && s.checkpoints.peekFirst()[0] <= s.position) {
            long at = s.checkpoints.pollFirst()[1];
            if (s.readThrough == NONE || at - s.readThrough > 0) {
                s.readThrough = at;
            }
        }
    }
}
