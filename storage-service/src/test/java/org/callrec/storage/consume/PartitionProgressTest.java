package org.callrec.storage.consume;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PartitionProgressTest {

    private static final TopicPartition P0 = new TopicPartition("media", 0);
    private static final TopicPartition P1 = new TopicPartition("media", 1);
    private static final long SECOND = 1_000_000_000L;

    private final PartitionProgress progress = new PartitionProgress();

    @BeforeEach
    void assign() {
        progress.assign(List.of(P0, P1));
    }

    @Test
    @DisplayName("nothing is silent before a probe was answered and its end offset reached")
    void nothingIsKnownBeforeAProbeIsReached() {
        progress.position(P0, 100);
        assertThat(progress.silentFor(P0, 0, 1)).as("no probe yet").isFalse();

        progress.probed(Map.of(P0, 200L), 10 * SECOND);
        assertThat(progress.silentFor(P0, 0, 1)).as("end offset not reached").isFalse();

        progress.position(P0, 200);
        assertThat(progress.silentFor(P0, 0, 1)).as("trusted only from that first probe on").isFalse();

        progress.probed(Map.of(P0, 200L), 20 * SECOND);
        assertThat(progress.silentFor(P0, 0, 10 * SECOND)).isTrue();
        assertThat(progress.silentFor(P0, 0, 11 * SECOND)).isFalse();
    }

    @Test
    @DisplayName("the read-through time is the probe's send time, and silence is counted from the last read or the first trusted probe")
    void silenceIsCountedToTheReachedProbe() {
        progress.probed(Map.of(P0, 0L), 5 * SECOND); // trusted from 5 s
        progress.position(P0, 0);
        progress.probed(Map.of(P0, 50L), 70 * SECOND);
        progress.position(P0, 50);

        assertThat(progress.silentFor(P0, 0, 65 * SECOND)).as("from 5 s (first probe) to 70 s").isTrue();
        assertThat(progress.silentFor(P0, 0, 66 * SECOND)).isFalse();
        assertThat(progress.silentFor(P0, 20 * SECOND, 50 * SECOND)).as("from its last read at 20 s").isTrue();
        assertThat(progress.silentFor(P0, 20 * SECOND, 51 * SECOND)).isFalse();
    }

    @Test
    @DisplayName("a failed probe forgets what was read through; partitions are independent; a revoked one is unknown")
    void aFailureResetsAndPartitionsAreIndependent() {
        progress.probed(Map.of(P0, 0L, P1, 0L), 0);
        progress.position(P0, 0);
        progress.position(P1, 0);
        progress.probed(Map.of(P0, 10L, P1, 10L), 100 * SECOND);
        progress.position(P0, 10);
        assertThat(progress.silentFor(P0, 0, 100 * SECOND)).isTrue();
        assertThat(progress.silentFor(P1, 0, 100 * SECOND)).as("P1 not read that far").isFalse();

        progress.probeFailed();
        assertThat(progress.silentFor(P0, 0, 1)).isFalse();

        progress.revoke(List.of(P0));
        progress.probed(Map.of(P0, 10L), 200 * SECOND);
        assertThat(progress.silentFor(P0, 0, 1)).isFalse();
    }

    @Test
    @DisplayName("pending checkpoints are bounded; the oldest still advance the read-through time")
    void checkpointsAreBounded() {
        for (int i = 0; i < PartitionProgress.MAX_CHECKPOINTS + 10; i++) {
            progress.probed(Map.of(P0, 1000L + i), i * SECOND);
        }
        progress.position(P0, 1000 + PartitionProgress.MAX_CHECKPOINTS + 10);
        long lastKept = PartitionProgress.MAX_CHECKPOINTS - 1;
        assertThat(progress.silentFor(P0, 0, lastKept * SECOND)).isTrue();
        assertThat(progress.silentFor(P0, 0, (lastKept + 1) * SECOND)).as("later probes were not kept").isFalse();
    }
}
