package org.callrec.core.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** RFC 3550 A.1 probation of a far-off sequence number in a stream under way. */
class SequenceProbationTest {

    @Nested
    @DisplayName("out of range")
    class OutOfRange {

        @Test
        @DisplayName("up to MAX_DROPOUT ahead and MAX_MISORDER behind is in range")
        void bounds() {
            long highest = 10_000;
            assertThat(SequenceProbation.isOutOfRange(10_000 + SequenceProbation.MAX_DROPOUT, highest)).isFalse();
            assertThat(SequenceProbation.isOutOfRange(10_000 + SequenceProbation.MAX_DROPOUT + 1, highest)).isTrue();
            assertThat(SequenceProbation.isOutOfRange(10_000 - SequenceProbation.MAX_MISORDER, highest)).isFalse();
            assertThat(SequenceProbation.isOutOfRange(10_000 - SequenceProbation.MAX_MISORDER - 1, highest)).isTrue();
        }

        @Test
        @DisplayName("distances are wrap-aware and the highest may be extended past 16 bits")
        void wrapAware() {
            long highest = 3 * 65_536L + 65_530;                          // extended, low 16 bits 65530
            assertThat(SequenceProbation.isOutOfRange(5, highest)).isFalse();      // 11 ahead, across the wrap
            assertThat(SequenceProbation.isOutOfRange(65_450, highest)).isFalse(); // 80 behind
            assertThat(SequenceProbation.isOutOfRange(30_000, highest)).isTrue();
        }
    }

    @Nested
    @DisplayName("long loss")
    class LongLoss {

        @Test
        @DisplayName("a forward jump matched by the timestamps (± two packets) is loss, not a restart")
        void matchedJump() {
            long highestTs = 1_000_000;
            // 4000 packets ahead, timestamps 4000 × 160 ahead
            assertThat(SequenceProbation.isLongLoss(14_000, highestTs + 4000L * 160, 10_000, highestTs, 160)).isTrue();
            assertThat(SequenceProbation.isLongLoss(14_000, highestTs + 4002L * 160, 10_000, highestTs, 160)).isTrue();
            assertThat(SequenceProbation.isLongLoss(14_000, highestTs + 4003L * 160, 10_000, highestTs, 160)).isFalse();
        }

        @Test
        @DisplayName("timestamps that jump elsewhere, a backward jump, or no packet length yet: not loss")
        void notLoss() {
            assertThat(SequenceProbation.isLongLoss(14_000, 5, 10_000, 1_000_000, 160)).isFalse();
            assertThat(SequenceProbation.isLongLoss(6_000, 1_000_000 - 4000L * 160, 10_000, 1_000_000, 160)).isFalse();
            assertThat(SequenceProbation.isLongLoss(14_000, 1_000_000 + 4000L * 160, 10_000, 1_000_000, 0)).isFalse();
            assertThat(SequenceProbation.isLongLoss(14_000, 640_000, 10_000, Long.MIN_VALUE, 160)).isFalse();
        }
    }

    @Nested
    @DisplayName("candidates")
    class Candidates {

        private final SequenceProbation probation = new SequenceProbation();

        @Test
        @DisplayName("the next sequence number after a held candidate confirms it; the candidate is handed over as it arrived")
        void confirmation() {
            byte[] buf = {9, 9, 1, 2, 3, 9};
            assertThat(probation.confirmedBy(40_001)).isFalse();          // nothing held yet
            assertThat(probation.hold(123L, buf, 2, 3, 40_000)).isFalse();
            buf[2] = 0;                                                   // the caller reuses its buffer
            assertThat(probation.confirmedBy(40_002)).isFalse();
            assertThat(probation.confirmedBy(40_001)).isTrue();
            Arrival first = probation.take();
            assertThat(first.arrivalMicros()).isEqualTo(123L);
            assertThat(first.datagram()).containsExactly(1, 2, 3);
            assertThat(probation.confirmedBy(40_001)).isFalse();          // taken: forgotten
        }

        @Test
        @DisplayName("confirmation is wrap-aware: 0 follows 65535")
        void confirmationAcrossTheWrap() {
            probation.hold(0, new byte[12], 0, 12, 65_535);
            assertThat(probation.confirmedBy(0)).isTrue();
        }

        @Test
        @DisplayName("a second stray replaces the first, which the caller drops")
        void replacement() {
            assertThat(probation.hold(1, new byte[] {1}, 0, 1, 40_000)).isFalse();
            assertThat(probation.hold(2, new byte[] {2}, 0, 1, 50_000)).isTrue();
            assertThat(probation.confirmedBy(40_001)).isFalse();
            assertThat(probation.confirmedBy(50_001)).isTrue();
            assertThat(probation.take().datagram()).containsExactly(2);
        }

        @Test
        @DisplayName("discarding says whether there was a candidate to drop")
        void discard() {
            assertThat(probation.discard()).isFalse();
            probation.hold(1, new byte[] {1}, 0, 1, 40_000);
            assertThat(probation.discard()).isTrue();
            assertThat(probation.discard()).isFalse();
            assertThat(probation.confirmedBy(40_001)).isFalse();
        }
    }
}
