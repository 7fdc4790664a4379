package org.callrec.storage.consume;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

    private static final TopicPartition P0 = new TopicPartition("media", 0);
    private static final TopicPartition P1 = new TopicPartition("media", 1);

    private final OffsetTracker tracker = new OffsetTracker();

    @Test
    void withNothingOpenTheConsumedPositionIsCommitted() {
        tracker.assign(List.of(P0));
        assertThat(tracker.safeOffset(P0)).as("nothing consumed yet: nothing to commit").isEmpty();

        tracker.consumed(P0, 0);
        tracker.consumed(P0, 1);

        assertThat(tracker.safeOffset(P0)).hasValue(2);
    }

    @Test
    void anOpenRecordingHoldsTheCommitAtItsStartUntilItIsStored() {
        tracker.assign(List.of(P0));
        tracker.consumed(P0, 0);                              // some other record
        OffsetTracker.Ticket a = tracker.open(P0, 1);         // START of A
        tracker.consumed(P0, 1);
        tracker.consumed(P0, 2);                              // MEDIA of A
        tracker.consumed(P0, 3);                              // END of A: handed over for upload

        assertThat(tracker.safeOffset(P0)).as("A is not stored yet: restart must re-read from its START").hasValue(1);

        tracker.release(a);                                   // A is in S3

        assertThat(tracker.safeOffset(P0)).hasValue(4);
    }

    @Test
    void theOldestOpenRecordingDecidesEvenWhenNewerOnesFinishFirst() {
        OffsetTracker.Ticket a = tracker.open(P0, 10);
        tracker.consumed(P0, 10);
        OffsetTracker.Ticket b = tracker.open(P0, 11);
        tracker.consumed(P0, 11);
        tracker.consumed(P0, 12);

        tracker.release(b);
        assertThat(tracker.safeOffset(P0)).hasValue(10);

        tracker.release(a);
        assertThat(tracker.safeOffset(P0)).hasValue(13);
    }

    @Test
    void partitionsAreIndependent() {
        tracker.open(P0, 5);
        tracker.consumed(P0, 5);
        tracker.consumed(P1, 7);

        assertThat(tracker.safeOffset(P0)).hasValue(5);
        assertThat(tracker.safeOffset(P1)).hasValue(8);
        assertThat(tracker.pending(List.of(P1))).containsOnlyKeys(P1);
    }

    @Test
    void pendingListsOnlyOffsetsThatMovedSinceTheLastCommit() {
        tracker.consumed(P0, 0);
        Map<TopicPartition, OffsetAndMetadata> first = tracker.pending(null);
        assertThat(first).containsEntry(P0, new OffsetAndMetadata(1));

        tracker.committed(first);
        assertThat(tracker.pending(null)).isEmpty();

        tracker.consumed(P0, 1);
        assertThat(tracker.pending(null)).containsEntry(P0, new OffsetAndMetadata(2));
    }

    @Test
    void aTicketOfARevokedPartitionNoLongerCounts() {
        OffsetTracker.Ticket old = tracker.open(P0, 3);
        tracker.consumed(P0, 3);

        // the partition goes away and comes back: the recording is read again from offset 3
        tracker.revoke(List.of(P0));
        tracker.assign(List.of(P0));
        OffsetTracker.Ticket again = tracker.open(P0, 3);
        tracker.consumed(P0, 3);

        // the upload started before the rebalance finishes now: it must not release the new ticket
        assertThat(tracker.release(old)).isFalse();
        assertThat(tracker.safeOffset(P0)).hasValue(3);

        assertThat(tracker.release(again)).isTrue();
        assertThat(tracker.safeOffset(P0)).hasValue(4);
    }

    @Test
    void theCommittedOffsetNeverPassesAnOpenRecordingsStart() {
        // a random interleaving of 2,000 records of up to 30 concurrent recordings, stored in random order
        Random random = new Random(42);
        TreeMap<Long, OffsetTracker.Ticket> open = new TreeMap<>();
        long committed = 0;
        for (long offset = 0; offset < 2_000; offset++) {
            int action = random.nextInt(3);
            if (action == 0 && open.size() < 30) {
                open.put(offset, tracker.open(P0, offset));
            }
            tracker.consumed(P0, offset);
            if (action == 2 && !open.isEmpty()) {
                Long any = open.keySet().stream().skip(random.nextInt(open.size())).findFirst().orElseThrow();
                tracker.release(open.remove(any));
            }

            long safe = tracker.safeOffset(P0).orElseThrow();
            if (!open.isEmpty()) {
                assertThat(safe).as("after offset %d", offset).isLessThanOrEqualTo(open.firstKey());
                assertThat(safe).isEqualTo(open.firstKey());
            } else {
                assertThat(safe).isEqualTo(offset + 1);
            }
            assertThat(safe).as("commits only move forward").isGreaterThanOrEqualTo(committed);
            committed = safe;
        }
    }
}
