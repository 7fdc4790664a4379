package org.callrec.core.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.callrec.core.timeline.GapHandling.Policy;
import org.callrec.core.timeline.TimelineStats.Gap;
import org.callrec.core.timeline.TimelineStats.GapAction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What fills a hole in the timestamps, on an 8 kHz clock with 160-unit packets: a hole is a pause
 * when it is at least one second (8000 units) longer than its missing packets explain.
 */
class GapFillerTest {

    private static final int PACKET = 160;
    private static final long MAX = 60 * 8000;
    private static final long MIN_PAUSE = 8000;
    private static final long MARKER = 8000;

    private static GapFiller filler(Policy policy) {
        return new GapFiller(new GapHandling(policy, MAX, MIN_PAUSE, MARKER));
    }

    @Nested
    @DisplayName("loss")
    class Loss {

        @Test
        @DisplayName("a hole the missing packets explain is silence of its length under every policy, and no gap")
        void lossIsAlwaysSilence() {
            for (Policy policy : Policy.values()) {
                GapFiller f = filler(policy);
                assertThat(f.fill(1600, 3 * PACKET, 3, PACKET)).as(policy.name()).isEqualTo(3 * PACKET);
                assertThat(f.gaps()).as(policy.name()).isEmpty();
            }
        }

        @Test
        @DisplayName("a hole just short of a pause beyond its missing packets is still no gap")
        void justShortOfAPause() {
            GapFiller f = filler(Policy.SKIP);
            assertThat(f.fill(0, 2 * PACKET + MIN_PAUSE - 1, 2, PACKET)).isEqualTo(2 * PACKET + MIN_PAUSE - 1);
            assertThat(f.gaps()).isEmpty();
        }

        @Test
        @DisplayName("more missing packets than the hole has room for explain all of it")
        void moreMissingThanRoom() {
            GapFiller f = filler(Policy.SKIP);
            assertThat(f.fill(0, 20_000, 1_000, PACKET)).isEqualTo(20_000);
            assertThat(f.gaps()).isEmpty();
        }
    }

    @Nested
    @DisplayName("pauses")
    class Pauses {

        private final long hole = PACKET + 10 * 8000;   // one packet lost, then 10 s of nothing

        @Test
        @DisplayName("SILENCE keeps a pause whole and reports it")
        void silence() {
            GapFiller f = filler(Policy.SILENCE);
            assertThat(f.fill(4000, hole, 1, PACKET)).isEqualTo(hole);
            assertThat(f.gaps()).containsExactly(new Gap(4000, hole, hole, GapAction.KEPT));
        }

        @Test
        @DisplayName("SKIP cuts a pause, its loss included, and reports it")
        void skip() {
            GapFiller f = filler(Policy.SKIP);
            assertThat(f.fill(4000, hole, 1, PACKET)).isZero();
            assertThat(f.gaps()).containsExactly(new Gap(4000, hole, 0, GapAction.SKIPPED));
        }

        @Test
        @DisplayName("COLLAPSE keeps a pause up to its limit whole")
        void collapseWithinTheLimit() {
            GapFiller f = filler(Policy.COLLAPSE);
            assertThat(f.fill(0, MAX, 0, PACKET)).isEqualTo(MAX);
            assertThat(f.gaps()).containsExactly(new Gap(0, MAX, MAX, GapAction.KEPT));
        }
    }

    @Nested
    @DisplayName("COLLAPSE beyond its limit")
    class Collapse {

        @Test
        @DisplayName("a longer pause becomes the marker")
        void pause() {
            GapFiller f = filler(Policy.COLLAPSE);
            assertThat(f.fill(0, MAX + 1, 0, PACKET)).isEqualTo(MARKER);
            assertThat(f.gaps()).containsExactly(new Gap(0, MAX + 1, MARKER, GapAction.COLLAPSED));
        }

        @Test
        @DisplayName("so does a longer hole that is all loss, reported although it is no pause")
        void loss() {
            GapFiller f = filler(Policy.COLLAPSE);
            long hole = 4000L * PACKET;                    // 80 s of lost packets
            assertThat(f.fill(0, hole, 4000, PACKET)).isEqualTo(MARKER);
            assertThat(f.gaps()).containsExactly(new Gap(0, hole, MARKER, GapAction.COLLAPSED));
        }
    }

    @Test
    @DisplayName("gaps are reported in the order they were filled, where each started")
    void order() {
        GapFiller f = filler(Policy.SILENCE);
        f.fill(100, 9000, 0, PACKET);
        f.fill(50_000, 3 * PACKET, 3, PACKET);             // loss: not a gap
        f.fill(90_000, 20_000, 0, PACKET);
        assertThat(f.gaps()).extracting(Gap::atUnits).containsExactly(100L, 90_000L);
    }
}
