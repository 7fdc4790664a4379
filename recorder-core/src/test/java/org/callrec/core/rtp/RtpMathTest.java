package org.callrec.core.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Wrap-aware sequence number and timestamp arithmetic (RFC 3550 Appendix A.1). */
class RtpMathTest {

    private static final long TWO_32 = 1L << 32;

    @Nested
    @DisplayName("seqDelta")
    class SeqDelta {

        @ParameterizedTest(name = "{0} - {1} = {2}")
        @CsvSource({
                "5,     3,     2",
                "3,     5,     -2",
                "0,     65535, 1",      // wrap forward: 65535 -> 0 is the next packet
                "65535, 0,     -1",     // and 0 -> 65535 is one step back
                "10,    65530, 16",
                "65530, 10,    -16",
                "32767, 0,     32767",  // the longest way forward
                "100,   100,   0"
        })
        @DisplayName("is the shorter way round the 16-bit circle")
        void shorterWayRound(int a, int b, int expected) {
            assertThat(RtpMath.seqDelta(a, b)).isEqualTo(expected);
        }

        @Test
        @DisplayName("half the circle apart is ambiguous and reads as -32768, never +32768")
        void halfCircle() {
            assertThat(RtpMath.seqDelta(32768, 0)).isEqualTo(-32768);
            assertThat(RtpMath.seqDelta(0, 32768)).isEqualTo(-32768);
        }
    }

    @Nested
    @DisplayName("tsDelta")
    class TsDelta {

        @Test
        @DisplayName("crossing 2^32 forward is a small positive step")
        void forwardAcrossWrap() {
            assertThat(RtpMath.tsDelta(0, TWO_32 - 160)).isEqualTo(160);
            assertThat(RtpMath.tsDelta(80, TWO_32 - 80)).isEqualTo(160);
        }

        @Test
        @DisplayName("crossing 2^32 backward is a small negative step")
        void backwardAcrossWrap() {
            assertThat(RtpMath.tsDelta(TWO_32 - 160, 0)).isEqualTo(-160);
        }

        @Test
        @DisplayName("ordinary differences, including between values above 2^31, are plain subtraction")
        void ordinary() {
            assertThat(RtpMath.tsDelta(3_000_000_160L, 3_000_000_000L)).isEqualTo(160);
            assertThat(RtpMath.tsDelta(3_000_000_000L, 3_000_000_160L)).isEqualTo(-160);
            assertThat(RtpMath.tsDelta((1L << 31) - 1, 0)).isEqualTo((1L << 31) - 1);
        }
    }

    @Nested
    @DisplayName("SequenceUnwrapper")
    class SequenceUnwrapperTest {

        @Test
        @DisplayName("extends an in-order stream monotonically through several wraps")
        void throughSeveralWraps() {
            RtpMath.SequenceUnwrapper u = new RtpMath.SequenceUnwrapper();
            long first = u.unwrap(65000);
            for (long i = 1; i <= 3 * 65536L; i++) {
                int seq = (int) ((65000 + i) % 65536);
                assertThat(u.unwrap(seq)).isEqualTo(first + i);
            }
        }

        @Test
        @DisplayName("65535 -> 0 is +1")
        void wrapIsPlusOne() {
            RtpMath.SequenceUnwrapper u = new RtpMath.SequenceUnwrapper();
            long a = u.unwrap(65535);

            assertThat(u.unwrap(0)).isEqualTo(a + 1);
            assertThat(u.unwrap(1)).isEqualTo(a + 2);
        }

        @Test
        @DisplayName("a packet reordered back across the wrap gets the index before the wrap, and does not move the highest")
        void reorderingAroundWrap() {
            RtpMath.SequenceUnwrapper u = new RtpMath.SequenceUnwrapper();
            long a = u.unwrap(65534);

            // arrival order 65534, 0, 65535, 2, 1, 3
            long[] got = {u.unwrap(0), u.unwrap(65535), u.unwrap(2), u.unwrap(1), u.unwrap(3)};

            assertThat(got).containsExactly(a + 2, a + 1, a + 4, a + 3, a + 5);
        }

        @Test
        @DisplayName("a stream whose first packet arrives just after the wrap still places the late pre-wrap ones before it")
        void firstPacketAfterWrap() {
            RtpMath.SequenceUnwrapper u = new RtpMath.SequenceUnwrapper();
            long a = u.unwrap(1);

            assertThat(u.unwrap(65535)).isEqualTo(a - 2);
            assertThat(u.unwrap(0)).isEqualTo(a - 1);
            assertThat(u.unwrap(2)).isEqualTo(a + 1);
        }

        @Test
        @DisplayName("reset() starts a new numbering (a new SSRC)")
        void reset() {
            RtpMath.SequenceUnwrapper u = new RtpMath.SequenceUnwrapper();
            u.unwrap(100);
            u.reset();

            // without the reset, 65000 would read as 636 packets before 100
            assertThat(u.unwrap(65000)).isEqualTo(new RtpMath.SequenceUnwrapper().unwrap(65000));
            assertThat(u.unwrap(65001)).isEqualTo(new RtpMath.SequenceUnwrapper().unwrap(65000) + 1);
        }
    }

    @Nested
    @DisplayName("TimestampUnwrapper")
    class TimestampUnwrapperTest {

        @Test
        @DisplayName("extends 20 ms PCMA timestamps monotonically through the 2^32 wrap, twice")
        void throughWraps() {
            RtpMath.TimestampUnwrapper u = new RtpMath.TimestampUnwrapper();
            long start = TWO_32 - 10 * 160;
            long first = u.unwrap(start);
            // jump most of the way round in half-circle-safe steps, checking every step
            long ext = first;
            long raw = start;
            for (int i = 0; i < 3 * 4; i++) {
                long step = i % 4 == 0 ? 160 : (1L << 30);
                raw = (raw + step) % TWO_32;
                ext += step;
                assertThat(u.unwrap(raw)).isEqualTo(ext);
            }
            assertThat(ext - first).isGreaterThan(2 * TWO_32);
        }

        @Test
        @DisplayName("2^32-160 -> 0 is +160")
        void wrapIsOnePacket() {
            RtpMath.TimestampUnwrapper u = new RtpMath.TimestampUnwrapper();
            long a = u.unwrap(TWO_32 - 160);

            assertThat(u.unwrap(0)).isEqualTo(a + 160);
        }

        @Test
        @DisplayName("a timestamp reordered back across the wrap gets its pre-wrap value")
        void reorderingAroundWrap() {
            RtpMath.TimestampUnwrapper u = new RtpMath.TimestampUnwrapper();
            long a = u.unwrap(TWO_32 - 320);

            // arrival order: -320, 0, -160, 160
            long[] got = {u.unwrap(0), u.unwrap(TWO_32 - 160), u.unwrap(160)};

            assertThat(got).containsExactly(a + 320, a + 160, a + 480);
        }

        @Test
        @DisplayName("reset() forgets the history")
        void reset() {
            RtpMath.TimestampUnwrapper u = new RtpMath.TimestampUnwrapper();
            u.unwrap(TWO_32 - 1);
            u.unwrap(5);
            u.reset();

            // without the reset, 7 would be read as just after the wrap, 2^32 + 7
            assertThat(u.unwrap(7)).isEqualTo(new RtpMath.TimestampUnwrapper().unwrap(7));
        }

        @Test
        @DisplayName("the unwrapped values keep the arrival order's relative distances for any starting point")
        void anyStartingPoint() {
            long[] starts = {0, 1, (1L << 31) - 1, 1L << 31, TWO_32 - 1};
            for (long s : starts) {
                RtpMath.TimestampUnwrapper u = new RtpMath.TimestampUnwrapper();
                long base = u.unwrap(s);
                long[] deltas = {160, 320, 240, 1_000_000, -5000};
                long[] got = Arrays.stream(deltas).map(d -> u.unwrap(Math.floorMod(s + d, TWO_32)) - base).toArray();

                assertThat(got).as("start %d", s).containsExactly(deltas);
            }
        }
    }
}
