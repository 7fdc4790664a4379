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
        return new GapFiller(new GapHandling(policy, MAX, MIN_PAUSE, MARKER), 100);
    }

    /** Plans a hole with no bound from arrival time and writes it, as the assembler does. */
    private static long fill(GapFiller f, long at, long hole, long missing, int packet) {
        GapFiller.Fill planned = f.plan(hole, Long.MAX_VALUE, missing, packet);
        f.record(at, planned);
        return planned.kept();
    }

    @Nested
    @DisplayName("time that passed")
    class Bounded {

        @Test
        @DisplayName("a hole longer than the arrival gap plus the window is cut to that under every policy, listed as bounded")
        void holeBoundedByArrival() {
            for (Policy policy : Policy.values()) {
                GapFiller f = filler(policy);
                // the timestamps claim 2^31 units; 0.52 s (4160 units) of arrival time passed
                GapFiller.Fill planned = f.plan(1L << 31, 4160, 0, PACKET);
                f.record(800, planned);
                assertThat(planned.kept()).as(policy.name()).isLessThanOrEqualTo(4160);
                assertThat(f.gaps()).as(policy.name()).hasSize(1);
                assertThat(f.gaps().get(0).lengthUnits()).isEqualTo(1L << 31);
                assertThat(f.altered()).isEqualTo(1);
            }
            GapFiller silence = filler(Policy.SILENCE);
            assertThat(silence.plan(1L << 31, 4160, 0, PACKET).action()).isEqualTo(GapAction.BOUNDED);
        }

        @Test
        @DisplayName("a hole within the time that passed is untouched")
        void holeWithinArrival() {
            GapFiller f = filler(Policy.SILENCE);
            assertThat(f.plan(3 * PACKET, 3 * PACKET, 3, PACKET).kept()).isEqualTo(3 * PACKET);
        }

        @Test
        @DisplayName("the first N gaps are listed, the rest counted")
        void gapListCapped() {
            GapFiller f = new GapFiller(new GapHandling(Policy.SILENCE, MAX, MIN_PAUSE, MARKER), 3);
            for (int i = 0; i < 10; i++) {
                fill(f, i * 20_000L, 9000, 0, PACKET);
            }
            assertThat(f.gaps()).hasSize(3);
            assertThat(f.omitted()).isEqualTo(7);
            assertThat(f.altered()).isZero();
        }
    }

    @Nested
    @DisplayName("loss")
    class Loss {

        @Test
        @DisplayName("a hole the missing packets explain is silence of its length under every policy, and no gap")
        void lossIsAlwaysSilence() {
            for (Policy policy : Policy.values()) {
                GapFiller f = filler(policy);
                assertThat(fill(f, 1600, 3 * PACKET, 3, PACKET)).as(policy.name()).isEqualTo(3 * PACKET);
                assertThat(f.gaps()).as(policy.name()).isEmpty();
            }
        }

        @Test
        @DisplayName("a hole just short of a pause beyond its missing packets is still no gap")
        void justShortOfAPause() {
            GapFiller f = filler(Policy.SKIP);
            assertThat(fill(f, 0, 2 * PACKET + MIN_PAUSE - 1, 2, PACKET)).isEqualTo(2 * PACKET + MIN_PAUSE - 1);
            assertThat(f.gaps()).isEmpty();
        }

        @Test
        @DisplayName("more missing packets than the hole has room for explain all of it")
        void moreMissingThanRoom() {
            GapFiller f = filler(Policy.SKIP);
            assertThat(fill(f, 0, 20_000, 1_000, PACKET)).isEqualTo(20_000);
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
            assertThat(fill(f, 4000, hole, 1, PACKET)).isEqualTo(hole);
            assertThat(f.gaps()).containsExactly(new Gap(4000, hole, hole, GapAction.KEPT));
        }

        @Test
        @DisplayName("SKIP cuts a pause, its loss included, and reports it")
        void skip() {
            GapFiller f = filler(Policy.SKIP);
            assertThat(fill(f, 4000, hole, 1, PACKET)).isZero();
            assertThat(f.gaps()).containsExactly(new Gap(4000, hole, 0, GapAction.SKIPPED));
        }

        @Test
        @DisplayName("COLLAPSE keeps a pause up to its limit whole")
        void collapseWithinTheLimit() {
            GapFiller f = filler(Policy.COLLAPSE);
            assertThat(fill(f, 0, MAX, 0, PACKET)).isEqualTo(MAX);
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
            assertThat(fill(f, 0, MAX + 1, 0, PACKET)).isEqualTo(MARKER);
            assertThat(f.gaps()).containsExactly(new Gap(0, MAX + 1, MARKER, GapAction.COLLAPSED));
        }

        @Test
        @DisplayName("so does a longer hole that is all loss, reported although it is no pause")
        void loss() {
            GapFiller f = filler(Policy.COLLAPSE);
            long hole = 4000L * PACKET;                    // 80 s of lost packets
            assertThat(fill(f, 0, hole, 4000, PACKET)).isEqualTo(MARKER);
            assertThat(f.gaps()).containsExactly(new Gap(0, hole, MARKER, GapAction.COLLAPSED));
        }
    }

    @Test
    @DisplayName("gaps are reported in the order they were filled, where each started")
    void order() {
        GapFiller f = filler(Policy.SILENCE);
        fill(f, 100, 9000, 0, PACKET);
        fill(f, 50_000, 3 * PACKET, 3, PACKET);             // loss: not a gap
        fill(f, 90_000, 20_000, 0, PACKET);
        assertThat(f.gaps()).extracting(Gap::atUnits).containsExactly(100L, 90_000L);
    }
}
