package org.callrec.storage.consume;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.LongSupplier;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Decides which offset is safe to commit on each assigned partition: the offset of the START
 * record of the oldest recording that is not yet completely stored, or the consumed position when
 * none is open. A restart (or a new owner after a rebalance) therefore reads every unfinished
 * recording again from its START; recordings stored already may be stored a second time, which
 * writes identical objects.
 *
 * <p>Each open recording is represented by a {@link Ticket}; releasing a ticket that belongs to a
 * partition revoked meanwhile (or re-assigned, with new tickets) has no effect. Used by the
 * consumer thread only.
 */
public final class OffsetTracker {

    /** An open recording: holds back the commit of its partition until released. */
    public static final class Ticket {
        private final TopicPartition partition;
        private final long startOffset;
        private final long openedNanos;

        private Ticket(TopicPartition partition, long startOffset, long openedNanos) {
            this.partition = partition;
            this.startOffset = startOffset;
            this.openedNanos = openedNanos;
        }

        /** When its START was read, on the tracker's monotonic clock. */
        public long openedNanos() {
            return openedNanos;
        }

        public TopicPartition partition() {
            return partition;
        }

        /** Offset of the recording's START record. */
        public long startOffset() {
            return startOffset;
        }

        @Override
        public String toString() {
            return partition + "@" + startOffset;
        }
    }

    private static final class PartitionState {
        final TreeMap<Long, Ticket> open = new TreeMap<>();
        long next = -1;      // offset after the last consumed record
        long committed = -1; // last offset committed (or being committed)
    }

    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
    private final LongSupplier nanoClock;

    /** A tracker stamping tickets with {@link System#nanoTime()}. */
    public OffsetTracker() {
        this(System::nanoTime);
    }

    /** @param nanoClock monotonic clock that stamps when each ticket was opened */
    public OffsetTracker(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** Starts tracking newly assigned partitions (nothing is committed until a record is consumed). */
    public void assign(Collection<TopicPartition> assigned) {
        for (TopicPartition tp : assigned) {
            partitions.putIfAbsent(tp, new PartitionState());
        }
    }

    /** Forgets revoked partitions and their open recordings. */
    public void revoke(Collection<TopicPartition> revoked) {
        revoked.forEach(partitions::remove);
    }

    /** Whether {@code tp} is assigned. */
    public boolean isAssigned(TopicPartition tp) {
        return partitions.containsKey(tp);
    }

    /** A recording's START record at {@code offset} was consumed: it holds back the commit. */
    public Ticket open(TopicPartition tp, long offset) {
        PartitionState p = partitions.computeIfAbsent(tp, k -> new PartitionState());
        Ticket ticket = new Ticket(tp, offset, nanoClock.getAsLong());
        p.open.put(offset, ticket);
        return ticket;
    }

    /** The record at {@code offset} has been handled. */
    public void consumed(TopicPartition tp, long offset) {
        PartitionState p = partitions.computeIfAbsent(tp, k -> new PartitionState());
        p.next = Math.max(p.next, offset + 1);
    }

    /**
     * The recording is stored (or will never be): it no longer holds back the commit.
     *
     * @return false if the ticket is stale (its partition was revoked or re-assigned)
     */
    public boolean release(Ticket ticket) {
        PartitionState p = partitions.get(ticket.partition);
        return p != null && p.open.remove(ticket.startOffset, ticket);
    }

    /** Recordings holding back commits, all partitions. */
    public int openCount() {
        int n = 0;
        for (PartitionState p : partitions.values()) {
            n += p.open.size();
        }
        return n;
    }

    /** The open recording with the oldest START on {@code tp}: what holds its commit back, or null. */
    public Ticket oldest(TopicPartition tp) {
        PartitionState p = partitions.get(tp);
        return p == null || p.open.isEmpty() ? null : p.open.firstEntry().getValue();
    }

    /** The partitions tracked (assigned). */
    public java.util.Set<TopicPartition> partitions() {
        return java.util.Set.copyOf(partitions.keySet());
    }

    /** The offset that may be committed on {@code tp} now, if any record was consumed there. */
    public OptionalLong safeOffset(TopicPartition tp) {
        PartitionState p = partitions.get(tp);
        if (p == null || p.next < 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(p.open.isEmpty() ? p.next : Math.min(p.open.firstKey(), p.next));
    }

    /** Offsets to commit: the partitions (of {@code among}, or all if null) whose safe offset moved. */
    public Map<TopicPartition, OffsetAndMetadata> pending(Collection<TopicPartition> among) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        for (Map.Entry<TopicPartition, PartitionState> e : partitions.entrySet()) {
            if (among != null && !among.contains(e.getKey())) {
                continue;
            }
            OptionalLong safe = safeOffset(e.getKey());
            if (safe.isPresent() && safe.getAsLong() != e.getValue().committed) {
                out.put(e.getKey(), new OffsetAndMetadata(safe.getAsLong()));
            }
        }
        return out;
    }

    /** Records that {@code offsets} were committed. */
    public void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((tp, o) -> {
            PartitionState p = partitions.get(tp);
            if (p != null) {
                p.committed = o.offset();
            }
        });
    }
}
