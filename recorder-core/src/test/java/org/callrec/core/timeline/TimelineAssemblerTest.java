package org.callrec.core.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.IntStream;

import org.callrec.core.rtp.RtpMath;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * From datagrams in arrival order to a gap-free timeline that follows the RTP timestamps.
 *
 * <p>Every test uses 20 ms PCMA packets (160 units, one payload byte per unit), a reorder window of
 * three packets and a 60 s limit on gaps filled with silence.
 */
class TimelineAssemblerTest {

    private static final int PACKET = 160;
    private static final long WINDOW = 3 * PACKET;
    private static final long MAX_GAP = 60 * 8000;
    private static final long MARKER = 8000;
    /** Collapse beyond 60 s to a one-second marker; a hole is a pause when 1 s longer than its missing packets. */
    private static final GapHandling GAPS = new GapHandling(GapHandling.Policy.COLLAPSE, MAX_GAP, 8000, MARKER);
    private static final long T0 = 1_718_000_000_000_000L; // epoch microseconds
    private static final long TWO_32 = 1L << 32;

    private final TimelineRecorder out = new TimelineRecorder();
    private final TimelineAssembler assembler = new TimelineAssembler(RtpStream.PCMA, 8000, WINDOW, GAPS, out);

    private final RtpStream stream = RtpStream.pcma(0x1234_5678L, 1000, 50_000);

    /**
     * Offers packets {@code ks} of {@code s}, in that order, each arriving at its nominal time: a
     * stream whose timestamps start later than {@link #stream}'s (a pause) arrives that much later,
     * as real time passes during a real pause.
     */
    private void offer(RtpStream s, int... ks) {
        long later = Math.max(0, RtpMath.tsDelta(s.firstTs(), stream.firstTs())) * 125;
        for (int k : ks) {
            offerRaw(T0 + later + 20_000L * k, s.packet(k));
        }
    }

    private void offerRaw(long arrivalMicros, byte[] datagram) {
        // a datagram sits somewhere in a larger receive buffer
        byte[] buf = new byte[5 + datagram.length + 7];
        System.arraycopy(datagram, 0, buf, 5, datagram.length);
        assembler.offer(arrivalMicros, buf, 5, datagram.length);
    }

    private static int[] range(int from, int to) {
        return IntStream.rangeClosed(from, to).toArray();
    }

    private static int[] except(int[] ks, int... left) {
        return Arrays.stream(ks).filter(k -> Arrays.stream(left).noneMatch(l -> l == k)).toArray();
    }

    private static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }

    /** The timeline an in-order, loss-free delivery of the same packets produces. */
    private static int[] inOrderTimeline(RtpStream s, int from, int to) {
        TimelineRecorder reference = new TimelineRecorder();
        TimelineAssembler a = new TimelineAssembler(RtpStream.PCMA, 8000, WINDOW, GAPS, reference);
        for (int k = from; k <= to; k++) {
            byte[] p = s.packet(k);
            a.offer(T0 + 20_000L * k, p, 0, p.length);
        }
        a.finish();
        return reference.units();
    }

    @Nested
    @DisplayName("in order and loss-free")
    class InOrder {

        @Test
        @DisplayName("the audio is exactly the payloads concatenated, with no silence")
        void concatenation() {
            offer(stream, range(0, 49));
            assembler.finish();

            assertThat(out.shape()).containsExactly("audio " + 50 * PACKET);
            assertThat(out.audioBytes()).isEqualTo(stream.payloads(0, 49));
            assertThat(assembler.durationUnits()).isEqualTo(50 * PACKET);
            TimelineStats stats = assembler.stats();
            assertThat(stats.received()).isEqualTo(50);
            assertThat(stats.placed()).isEqualTo(50);
            assertThat(stats.expected()).isEqualTo(50);
            assertThat(stats.lost()).isZero();
            assertThat(stats.duplicated()).isZero();
            assertThat(stats.late()).isZero();
            assertThat(stats.droppedByReason()).isEmpty();
            assertThat(stats.ssrcChanges()).isZero();
            assertThat(stats.gaps()).isEmpty();
            assertThat(stats.durationUnits()).isEqualTo(50 * PACKET);
        }

        @Test
        @DisplayName("before finish() only about the reorder window is held back; finish() writes the rest")
        void holdsBackOnlyTheWindow() {
            offer(stream, range(0, 19));

            // everything older than the window (give or take the packet straddling its edge) is out
            assertThat(out.length()).isBetween(20L * PACKET - WINDOW - PACKET, 20L * PACKET - WINDOW);
            assembler.finish();
            assertThat(out.length()).isEqualTo(20L * PACKET);
        }

        @Test
        @DisplayName("the timeline starts at the first packet whatever its timestamp: no leading silence")
        void noLeadingSilence() {
            RtpStream late = RtpStream.pcma(7, 0, 3_000_000_000L);
            offer(late, range(0, 4));
            assembler.finish();

            assertThat(out.shape()).containsExactly("audio " + 5 * PACKET);
        }

        @Test
        @DisplayName("nothing offered: an empty timeline and zero counts")
        void empty() {
            assembler.finish();

            assertThat(out.shape()).isEmpty();
            assertThat(assembler.stats().expected()).isZero();
            assertThat(assembler.stats().lost()).isZero();
            assertThat(assembler.stats().durationUnits()).isZero();
        }
    }

    @Nested
    @DisplayName("loss")
    class Loss {

        @Test
        @DisplayName("a lost packet becomes exactly its length of silence, at its place")
        void lostPacket() {
            offer(stream, except(range(0, 9), 4));
            assembler.finish();

            assertThat(out.shape()).containsExactly("audio " + 4 * PACKET, "silence " + PACKET, "audio " + 5 * PACKET);
            assertThat(out.audioBytes()).isEqualTo(concat(stream.payloads(0, 3), stream.payloads(5, 9)));
            TimelineStats stats = assembler.stats();
            assertThat(stats.lost()).isEqualTo(1);
            assertThat(stats.expected()).isEqualTo(10);
            assertThat(stats.placed()).isEqualTo(9);
            assertThat(stats.late()).isZero();
            assertThat(stats.durationUnits()).isEqualTo(10 * PACKET);
        }

        @Test
        @DisplayName("a burst of lost packets becomes one silence as long as the burst")
        void lostBurst() {
            offer(stream, except(range(0, 19), 6, 7, 8, 9, 10));
            assembler.finish();

            assertThat(out.shape()).containsExactly("audio " + 6 * PACKET, "silence " + 5 * PACKET, "audio " + 9 * PACKET);
            assertThat(assembler.stats().lost()).isEqualTo(5);
        }

        @Test
        @DisplayName("a pause shorter than the gap limit is silence of the pause's length")
        void pauseIsSilence() {
            long pause = 8000 * 5; // five seconds with no RTP, timestamps running on
            RtpStream after = new RtpStream(RtpStream.PCMA, stream.ssrc(), stream.firstSeq(), stream.firstTs() + pause, PACKET);
            offer(stream, range(0, 4));
            offer(after, range(5, 9));
            assembler.finish();

            assertThat(out.shape()).containsExactly("audio " + 5 * PACKET, "silence " + pause, "audio " + 5 * PACKET);
            assertThat(assembler.stats().lost()).isZero();
            // a pause is a gap: reported, kept whole
            assertThat(assembler.stats().gaps()).containsExactly(
                    new TimelineStats.Gap(5 * PACKET, pause, pause, TimelineStats.GapAction.KEPT));
        }
    }

    @Nested
    @DisplayName("reordering and late packets")
    class Reordering {

        @ParameterizedTest(name = "arrival order {0}")
        @ValueSource(strings = {
                "0 2 1 3 5 4 6 8 7 9 11 10 12 13 14 15",    // neighbours swapped
                "0 1 5 2 3 4 6 7 8 12 9 10 11 13 14 15",    // one packet overtaking three
                "3 2 1 0 7 6 5 4 11 10 9 8 15 14 13 12",    // blocks of four reversed, the very first included
                "1 0 2 3 4 5 6 7 8 9 10 11 12 13 15 14"     // at the start and at the end
        })
        @DisplayName("packets reordered within the window give exactly the in-order timeline")
        void withinWindow(String arrival) {
            offer(stream, Arrays.stream(arrival.split(" ")).mapToInt(Integer::parseInt).toArray());
            assembler.finish();

            assertThat(out.units()).containsExactly(inOrderTimeline(stream, 0, 15));
            assertThat(assembler.stats().late()).isZero();
            assertThat(assembler.stats().lost()).isZero();
            assertThat(assembler.stats().placed()).isEqualTo(16);
        }

        @Test
        @DisplayName("a packet trailing the newest by exactly the window still goes in place")
        void atTheWindowEdge() {
            // 4 arrives right after 7: 7's timestamp is 3 packets (= the window) ahead of 4's
            offer(stream, 0, 1, 2, 3, 5, 6, 7, 4, 8, 9);
            assembler.finish();

            assertThat(out.units()).containsExactly(inOrderTimeline(stream, 0, 9));
            assertThat(assembler.stats().late()).isZero();
        }

        @Test
        @DisplayName("a packet arriving after later audio was written is counted late and dropped; its place stays silent")
        void laterThanWindow() {
            offer(stream, 0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 4, 13, 14, 15);
            assembler.finish();

            assertThat(out.shape()).containsExactly("audio " + 4 * PACKET, "silence " + PACKET, "audio " + 11 * PACKET);
            assertThat(out.audioBytes()).isEqualTo(concat(stream.payloads(0, 3), stream.payloads(5, 15)));
            TimelineStats stats = assembler.stats();
            assertThat(stats.late()).isEqualTo(1);
            assertThat(stats.lost()).isEqualTo(1);
            assertThat(stats.placed()).isEqualTo(15);
            assertThat(stats.received()).isEqualTo(16);
        }

        @Test
        @DisplayName("copies of a held packet and of an already written packet are dropped and counted duplicated")
        void duplicates() {
            // 1 is repeated while still held; 2 is repeated long after it was written
            offer(stream, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 2, 12, 13, 14, 15);
            assembler.finish();

            assertThat(out.units()).containsExactly(inOrderTimeline(stream, 0, 15));
            TimelineStats stats = assembler.stats();
            assertThat(stats.duplicated()).isEqualTo(2);
            assertThat(stats.late()).isZero();
            assertThat(stats.placed()).isEqualTo(16);
            assertThat(stats.lost()).isZero();
            assertThat(stats.received()).isEqualTo(18);
        }
    }

    @Nested
    @DisplayName("wrap-around")
    class WrapAround {

        /** Sequence numbers wrap at packet 6 (65535 -> 0), timestamps at packet 12 (2^32 -> 0). */
        private final RtpStream wrapping = RtpStream.pcma(0xCAFE_BABEL, 65530, TWO_32 - 12 * PACKET + 40);

        @Test
        @DisplayName("the fixture really wraps both counters in the middle of the stream")
        void fixtureWraps() {
            assertThat(wrapping.seq(5)).isEqualTo(65535);
            assertThat(wrapping.seq(6)).isZero();
            assertThat(wrapping.ts(11)).isGreaterThan(wrapping.ts(12));
        }

        @Test
        @DisplayName("a stream wrapping its sequence number and its timestamp mid-call stays one continuous timeline")
        void continuousAcrossWraps() {
            offer(wrapping, range(0, 19));
            assembler.finish();

            assertThat(out.shape()).containsExactly("audio " + 20 * PACKET);
            assertThat(out.audioBytes()).isEqualTo(wrapping.payloads(0, 19));
            assertThat(assembler.stats().expected()).isEqualTo(20);
            assertThat(assembler.stats().lost()).isZero();
        }

        @Test
        @DisplayName("packets lost right at the wraps leave silence at their places")
        void lossAtTheWraps() {
            offer(wrapping, except(range(0, 19), 6, 12));
            assembler.finish();

            assertThat(out.shape()).containsExactly("audio " + 6 * PACKET, "silence " + PACKET, "audio " + 5 * PACKET,
                    "silence " + PACKET, "audio " + 7 * PACKET);
            assertThat(assembler.stats().lost()).isEqualTo(2);
        }

        @Test
        @DisplayName("packets reordered across the wraps go back in place")
        void reorderedAcrossTheWraps() {
            offer(wrapping, 0, 1, 2, 3, 4, 6, 5, 7, 8, 9, 10, 12, 13, 11, 14, 15, 16, 17, 18, 19);
            assembler.finish();

            assertThat(out.units()).containsExactly(inOrderTimeline(wrapping, 0, 19));
            assertThat(assembler.stats().late()).isZero();
            assertThat(assembler.stats().lost()).isZero();
        }

        @Test
        @DisplayName("a stream whose very first packet is just past both wraps places the stragglers before it")
        void firstPacketPastTheWraps() {
            RtpStream s = RtpStream.pcma(9, 65534, TWO_32 - 2 * PACKET);
            // 2 (seq 0, ts 0) arrives first, then 1 and 0 from before the wraps
            offer(s, 2, 1, 0, 3, 4, 5, 6, 7);
            assembler.finish();

            assertThat(out.units()).containsExactly(inOrderTimeline(s, 0, 7));
            assertThat(assembler.stats().lost()).isZero();
        }
    }

    @Nested
    @DisplayName("SSRC changes")
    class SsrcChange {

        private final RtpStream second = RtpStream.pcma(0x9ABC_DEF0L, 40_000, 123_456_789L);

        @Test
        @DisplayName("a new SSRC continues the timeline where the old one stopped, without a gap")
        void continuesWithoutGap() {
            offer(stream, range(0, 9));
            // the new source's numbering has nothing to do with the old one; its first two arrive swapped
            offer(second, 1, 0);
            offer(second, range(2, 9));
            assembler.finish();

            assertThat(out.shape()).containsExactly("audio " + 20 * PACKET);
            assertThat(out.audioBytes()).isEqualTo(concat(stream.payloads(0, 9), second.payloads(0, 9)));
            TimelineStats stats = assembler.stats();
            assertThat(stats.ssrcChanges()).isEqualTo(1);
            assertThat(stats.expected()).isEqualTo(20);
            assertThat(stats.placed()).isEqualTo(20);
            assertThat(stats.lost()).isZero();
        }

        @Test
        @DisplayName("the sink hears of the new stream exactly where the old one's audio ends (a G.722 decoder resets there)")
        void sinkToldOfTheNewStreamAtTheSwitch() {
            offer(stream, range(0, 9));
            offer(second, 1, 0);
            offer(second, range(2, 9));
            assembler.finish();

            assertThat(out.newStreamsAt()).containsExactly(10L * PACKET);
        }

        @Test
        @DisplayName("loss inside one stream is not a new stream: the sink is never told to start over")
        void lossIsNotANewStream() {
            offer(stream, except(range(0, 19), 5, 6, 12));
            assembler.finish();

            assertThat(out.shape()).contains("silence " + 2 * PACKET);
            assertThat(out.newStreamsAt()).isEmpty();
        }

        /** Call packet {@code c}: packets 0..9 from the old SSRC, 10..19 from the new one, 20..29 from a third. */
        private byte[] call(int c) {
            return c < 10 ? stream.packet(c) : c < 20 ? second.packet(c - 10) : third.packet(c - 20);
        }

        private final RtpStream third = RtpStream.pcma(0x0BAD_CAFEL, 65_530, 4_294_967_000L);

        private static IntStream unsigned(byte[] bytes) {
            return IntStream.range(0, bytes.length).map(i -> bytes[i] & 0xFF);
        }

        /** Offers call packets in the given order, one every 20 ms. */
        private void arrive(int... calls) {
            for (int i = 0; i < calls.length; i++) {
                offerRaw(T0 + 20_000L * i, call(calls[i]));
            }
        }

        @ParameterizedTest(name = "arrival order {0}")
        @ValueSource(strings = {
                "0 1 2 3 4 5 6 8 10 7 12 9 11 13 14 15 16 17 18 19",   // old packets after new ones
                "0 1 2 3 4 5 6 7 12 10 8 9 11 13 14 15 16 17 18 19",   // new ones early and swapped among themselves
                "0 1 2 3 4 5 6 7 11 8 10 9 12 13 14 15 16 17 18 19",   // the new stream's first packet arrives after its second
                "0 1 2 3 4 5 6 7 10 11 8 9 12 13 14 15 16 17 18 19"})  // the old stream's last two trail two new ones, the last by the whole window
        @DisplayName("packets reordered across an SSRC switch within the window give the in-order timeline: the old stream whole, then the new one")
        void reorderedAcrossTheSwitch(String order) {
            arrive(Arrays.stream(order.split(" ")).mapToInt(Integer::parseInt).toArray());
            assembler.finish();

            assertThat(out.shape()).containsExactly("audio " + 20 * PACKET);
            assertThat(out.audioBytes()).isEqualTo(concat(stream.payloads(0, 9), second.payloads(0, 9)));
            assertThat(out.newStreamsAt()).containsExactly(10L * PACKET);
            TimelineStats stats = assembler.stats();
            assertThat(stats.droppedByReason()).doesNotContainKey("stale-ssrc");
            assertThat(stats.ssrcChanges()).isEqualTo(1);
            assertThat(stats.placed()).isEqualTo(20);
            assertThat(stats.late()).isZero();
            assertThat(stats.lost()).isZero();
        }

        @Test
        @DisplayName("loss right at the switch leaves no gap there; loss inside either stream stays silence at its place")
        void lossAroundTheSwitch() {
            // the old stream's last packet (9) and the new one's second (11) are lost; the rest is reordered
            arrive(0, 1, 2, 3, 5, 4, 6, 10, 8, 12, 7, 13, 14, 15, 16, 17, 18, 19);
            assembler.finish();

            assertThat(out.shape()).containsExactly("audio " + 10 * PACKET, "silence " + PACKET, "audio " + 8 * PACKET);
            int[] expected = IntStream.concat(IntStream.concat(
                            unsigned(concat(stream.payloads(0, 8), second.payloads(0, 0))),
                            IntStream.generate(() -> TimelineRecorder.SILENT).limit(PACKET)),
                    unsigned(second.payloads(2, 9))).toArray();
            assertThat(out.units()).isEqualTo(expected);
            assertThat(out.newStreamsAt()).containsExactly(9L * PACKET);
            assertThat(assembler.stats().lost()).isEqualTo(1);
        }

        @Test
        @DisplayName("a second switch, reordered too, continues the timeline after the second stream's end")
        void secondSwitch() {
            arrive(0, 1, 2, 3, 4, 5, 6, 7, 10, 8, 9, 11, 12, 13, 14, 15, 16, 17, 21, 18, 20, 19, 22, 23, 24, 25, 26, 27, 28, 29);
            assembler.finish();

            assertThat(out.shape()).containsExactly("audio " + 30 * PACKET);
            assertThat(out.audioBytes()).isEqualTo(concat(concat(stream.payloads(0, 9), second.payloads(0, 9)), third.payloads(0, 9)));
            assertThat(out.newStreamsAt()).containsExactly(10L * PACKET, 20L * PACKET);
            assertThat(assembler.stats().ssrcChanges()).isEqualTo(2);
            assertThat(assembler.stats().droppedByReason()).doesNotContainKey("stale-ssrc");
        }

        @Test
        @DisplayName("a third SSRC while a switch is still pending: each stream follows the one before it")
        void thirdSsrcWhilePending() {
            // the third source starts only 40 ms after the second: the second's switch completes first
            arrive(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29);
            assembler.finish();

            assertThat(out.audioBytes()).isEqualTo(concat(concat(stream.payloads(0, 9), second.payloads(0, 1)), third.payloads(0, 9)));
            assertThat(out.newStreamsAt()).containsExactly(10L * PACKET, 12L * PACKET);
        }

        @Test
        @DisplayName("an old-SSRC packet arriving after the window since the switch is a straggler: dropped as stale-ssrc, nothing moves")
        void staleStraggler() {
            // the switch waits until 60 ms after the new SSRC's first packet (t=8); old 9 comes at t=12, beyond that,
            // but within the window of the old stream's last packet (old 8 at t=9)
            offerRaw(T0, call(0));
            for (int t = 1; t <= 7; t++) {
                offerRaw(T0 + 20_000L * t, call(t));
            }
            offerRaw(T0 + 20_000L * 8, call(10));
            offerRaw(T0 + 20_000L * 9, call(8));
            offerRaw(T0 + 20_000L * 10, call(11));
            offerRaw(T0 + 20_000L * 11, call(12));
            offerRaw(T0 + 20_000L * 12, call(9));
            for (int c = 13; c <= 19; c++) {
                offerRaw(T0 + 20_000L * c, call(c));
            }
            assembler.finish();

            assertThat(out.shape()).containsExactly("audio " + 19 * PACKET);
            assertThat(out.audioBytes()).isEqualTo(concat(stream.payloads(0, 8), second.payloads(0, 9)));
            assertThat(assembler.stats().droppedByReason()).containsEntry("stale-ssrc", 1L);
        }

        @Test
        @DisplayName("DTMF packets of either SSRC around the switch never reach the audio and are not counted lost")
        void dtmfOfEitherSsrc() {
            byte[] oldEvent = RtpStream.datagram(101, stream.seq(9), stream.ts(9), stream.ssrc(), new byte[] {1, 0, 0, (byte) 160});
            byte[] newEvent = RtpStream.datagram(101, second.seq(0), second.ts(0), second.ssrc(), new byte[] {1, 0, 0, (byte) 160});
            for (int t = 0; t <= 7; t++) {
                offerRaw(T0 + 20_000L * t, call(t));
            }
            // the new stream's first audio, then its event, then the old stream's last audio and event
            offerRaw(T0 + 20_000L * 8, call(11));
            offerRaw(T0 + 20_000L * 9, newEvent);
            offerRaw(T0 + 20_000L * 10, call(8));
            offerRaw(T0 + 20_000L * 11, oldEvent);
            for (int c = 12; c <= 19; c++) {
                offerRaw(T0 + 20_000L * c, call(c));
            }
            assembler.finish();

            assertThat(out.audioBytes()).isEqualTo(concat(stream.payloads(0, 8), second.payloads(1, 9)));
            assertThat(out.newStreamsAt()).containsExactly(9L * PACKET);
            TimelineStats stats = assembler.stats();
            assertThat(stats.otherPayloadTypes()).containsEntry(101, 2L);
            assertThat(stats.expected()).isEqualTo(18);
            assertThat(stats.lost()).isZero();
        }

        @Test
        @DisplayName("packets of the new SSRC are held aside at most MAX_HELD at a time, even when the arrival clock stands still")
        void pendingSwitchIsBounded() {
            RtpStream many = RtpStream.pcma(0x7777L, 100, 0);
            offer(stream, range(0, 9));
            for (int k = 0; k <= TimelineAssembler.MAX_HELD; k++) {
                offerRaw(T0 + 200_000L, many.packet(k));
            }

            // the switch happened without the window passing: the old stream is written, the new one is under way
            assertThat(out.newStreamsAt()).containsExactly(10L * PACKET);
            assembler.finish();
            assertThat(out.audioBytes()).isEqualTo(concat(stream.payloads(0, 9), many.payloads(0, TimelineAssembler.MAX_HELD)));
        }

        @Test
        @DisplayName("a stream that comes back to an earlier SSRC after the window is a switch again, not stale")
        void backToAnEarlierSsrc() {
            RtpStream again = new RtpStream(RtpStream.PCMA, stream.ssrc(), stream.firstSeq() + 20, stream.firstTs() + 20L * PACKET, PACKET);
            offer(stream, range(0, 9));
            offer(second, range(10, 19));   // arrives from 200 ms on, long after the 60 ms window
            offer(again, range(20, 29));
            assembler.finish();

            assertThat(out.shape()).containsExactly("audio " + 30 * PACKET);
            assertThat(assembler.stats().ssrcChanges()).isEqualTo(2);
            assertThat(assembler.stats().droppedByReason()).doesNotContainKey("stale-ssrc");
        }

        @Test
        @DisplayName("losses are counted per SSRC and summed")
        void lossPerSsrc() {
            offer(stream, except(range(0, 9), 3));
            offer(second, except(range(0, 9), 5, 6));
            assembler.finish();

            TimelineStats stats = assembler.stats();
            assertThat(stats.expected()).isEqualTo(20);
            assertThat(stats.placed()).isEqualTo(17);
            assertThat(stats.lost()).isEqualTo(3);
            assertThat(out.shape()).containsExactly("audio " + 3 * PACKET, "silence " + PACKET, "audio " + 11 * PACKET,
                    "silence " + 2 * PACKET, "audio " + 3 * PACKET);
        }
    }

    @Nested
    @DisplayName("what never reaches the audio")
    class Filtering {

        @Test
        @DisplayName("telephone-event (PT 101) and comfort noise (PT 13) packets of the same SSRC are dropped by payload type")
        void otherPayloadTypes() {
            for (int k = 0; k < 10; k++) {
                offer(stream, k);
                // events and CN with timestamps inside the audio's, payloads that must never show
                offerRaw(T0, RtpStream.datagram(101, 30_000 + k, stream.ts(k), stream.ssrc(), new byte[] {1, 0, 0, (byte) 160}));
                offerRaw(T0, RtpStream.datagram(13, 31_000 + k, stream.ts(k), stream.ssrc(), new byte[] {0x40}));
            }
            assembler.finish();

            assertThat(out.units()).containsExactly(inOrderTimeline(stream, 0, 9));
            TimelineStats stats = assembler.stats();
            assertThat(stats.droppedByReason()).containsEntry("payload-type", 20L);
            assertThat(stats.otherPayloadTypes()).containsOnly(java.util.Map.entry(13, 10L), java.util.Map.entry(101, 10L));
            assertThat(stats.received()).isEqualTo(30);
            assertThat(stats.placed()).isEqualTo(10);
            assertThat(stats.lost()).isZero();
        }

        @Test
        @DisplayName("DTMF events sharing the stream's sequence numbers (RFC 4733) are not counted as lost audio")
        void eventsInTheSequenceSpaceAreNotLoss() {
            // audio 0..4, then three telephone-event packets take sequence numbers 5..7 (the phone sends
            // events instead of audio for 60 ms), then audio resumes with sequence number 8
            offer(stream, range(0, 4));
            for (int k = 5; k <= 7; k++) {
                offerRaw(T0 + 20_000L * k, RtpStream.datagram(101, stream.seq(k), stream.ts(5), stream.ssrc(),
                        new byte[] {1, 0, 0, (byte) (160 * (k - 4))}));
            }
            offer(stream, range(8, 12));
            assembler.finish();

            // the event's 60 ms are silence in the recording...
            assertThat(out.shape()).containsExactly("audio " + 5 * PACKET, "silence " + 3 * PACKET, "audio " + 5 * PACKET);
            // ...but no audio packet was lost on the way
            TimelineStats stats = assembler.stats();
            assertThat(stats.placed()).isEqualTo(10);
            assertThat(stats.lost()).isZero();
        }

        @Test
        @DisplayName("malformed datagrams are counted as such and leave the audio untouched")
        void malformed() {
            byte[] badVersion = stream.packet(3);
            badVersion[0] = 0x40;
            byte[] badPadding = stream.packet(4);
            badPadding[0] |= 0x20;
            badPadding[badPadding.length - 1] = (byte) 250; // more padding than the packet holds

            offer(stream, 0, 1, 2);
            offerRaw(T0, new byte[] {(byte) 0x80, 8, 0, 1, 2});   // shorter than a header
            offerRaw(T0, badVersion);
            offerRaw(T0, badPadding);
            offerRaw(T0, new byte[0]);
            offer(stream, 3, 4, 5);
            assembler.finish();

            assertThat(out.units()).containsExactly(inOrderTimeline(stream, 0, 5));
            TimelineStats stats = assembler.stats();
            assertThat(stats.droppedByReason()).containsEntry("malformed", 4L);
            assertThat(stats.received()).isEqualTo(10);
            assertThat(stats.placed()).isEqualTo(6);
        }

        @Test
        @DisplayName("CSRCs, a header extension and padding are stripped: only the payload reaches the audio")
        void headerPartsStripped() {
            byte[] payload = stream.payload(1);
            ByteBuffer p = ByteBuffer.allocate(12 + 4 + 8 + payload.length + 2);
            p.put((byte) 0xB1).put((byte) 8).putShort((short) stream.seq(1)).putInt((int) stream.ts(1)).putInt((int) stream.ssrc())
                    .putInt(0x11111111)                 // one CSRC
                    .putInt(0xBEDE0001).putInt(0x10FF0000) // extension, one word
                    .put(payload)
                    .put((byte) 0).put((byte) 2);       // two bytes of padding

            offer(stream, 0);
            offerRaw(T0 + 20_000, Arrays.copyOf(p.array(), p.position()));
            offer(stream, 2);
            assembler.finish();

            assertThat(out.units()).containsExactly(inOrderTimeline(stream, 0, 2));
        }
    }

    @Nested
    @DisplayName("long gaps")
    class LongGaps {

        private RtpStream jumpedBy(long units) {
            return new RtpStream(RtpStream.PCMA, stream.ssrc(), stream.firstSeq(), stream.firstTs() + units, PACKET);
        }

        @Test
        @DisplayName("a gap of exactly the limit is still filled with silence")
        void gapAtTheLimit() {
            offer(stream, range(0, 4));
            offer(jumpedBy(MAX_GAP), range(5, 9));
            assembler.finish();

            assertThat(out.shape()).containsExactly("audio " + 5 * PACKET, "silence " + MAX_GAP, "audio " + 5 * PACKET);
            assertThat(assembler.stats().gaps()).containsExactly(
                    new TimelineStats.Gap(5 * PACKET, MAX_GAP, MAX_GAP, TimelineStats.GapAction.KEPT));
        }

        @Test
        @DisplayName("a gap longer than the limit is collapsed to the one-second marker, and its place and length are reported")
        void gapOverTheLimit() {
            long jump = MAX_GAP + 1;
            offer(stream, range(0, 4));
            offer(jumpedBy(jump), range(5, 9));
            assembler.finish();

            assertThat(out.shape()).containsExactly("audio " + 5 * PACKET, "silence " + MARKER, "audio " + 5 * PACKET);
            assertThat(out.audioBytes()).isEqualTo(concat(stream.payloads(0, 4), stream.payloads(5, 9)));
            assertThat(assembler.stats().gaps()).containsExactly(
                    new TimelineStats.Gap(5 * PACKET, jump, MARKER, TimelineStats.GapAction.COLLAPSED));
            assertThat(assembler.stats().durationUnits()).isEqualTo(10 * PACKET + MARKER);
            assertThat(assembler.stats().lost()).isZero();
        }

        @Test
        @DisplayName("an absurd timestamp jump (a quarter of the 32-bit range) is collapsed too, and later losses still become silence")
        void absurdJump() {
            offer(stream, range(0, 4));
            offer(jumpedBy(1L << 30), except(range(5, 12), 9));
            assembler.finish();

            assertThat(out.shape()).containsExactly("audio " + 5 * PACKET, "silence " + MARKER, "audio " + 4 * PACKET,
                    "silence " + PACKET, "audio " + 3 * PACKET);
            assertThat(assembler.stats().gaps()).hasSize(1);
        }

        @Test
        @DisplayName("a stream restarting its sequence numbers and timestamps under the same SSRC keeps its audio")
        void restartUnderSameSsrc() {
            RtpStream restarted = RtpStream.pcma(stream.ssrc(), 100, 0);
            offer(stream, range(0, 9));
            offer(restarted, range(0, 9));
            assembler.finish();

            // nothing of the restarted stream may be thrown away as late or overlapping...
            assertThat(assembler.stats().late()).isZero();
            assertThat(assembler.stats().droppedByReason()).doesNotContainKey("overlap");
            assertThat(assembler.stats().placed()).isEqualTo(20);
            // ...and its audio follows the old stream's
            assertThat(out.audioBytes()).isEqualTo(concat(stream.payloads(0, 9), restarted.payloads(0, 9)));
            // ...as a new stream for the decoder
            assertThat(out.newStreamsAt()).containsExactly(10L * PACKET);
        }
    }

    @Nested
    @DisplayName("gap policies (storage.gap.policy)")
    class GapPolicies {

        private final long pause = 8000L * 90; // 90 s without RTP, beyond the 60 s limit
        private final RtpStream resumed = new RtpStream(RtpStream.PCMA, stream.ssrc(), stream.firstSeq(),
                stream.firstTs() + pause, PACKET);

        private TimelineAssembler with(GapHandling.Policy policy) {
            return new TimelineAssembler(RtpStream.PCMA, 8000, WINDOW, new GapHandling(policy, MAX_GAP, 8000, MARKER), out);
        }

        /** As {@link #offer}: a pause in the timestamps is a pause in arrival time too. */
        private void send(TimelineAssembler a, RtpStream s, int... ks) {
            long later = Math.max(0, RtpMath.tsDelta(s.firstTs(), stream.firstTs())) * 125;
            for (int k : ks) {
                byte[] p = s.packet(k);
                a.offer(T0 + later + 20_000L * k, p, 0, p.length);
            }
        }

        @Test
        @DisplayName("silence: a pause of any length is kept whole and reported as kept")
        void silenceKeepsEverything() {
            TimelineAssembler a = with(GapHandling.Policy.SILENCE);
            send(a, stream, range(0, 4));
            send(a, resumed, range(5, 9));
            a.finish();

            assertThat(out.shape()).containsExactly("audio " + 5 * PACKET, "silence " + pause, "audio " + 5 * PACKET);
            assertThat(a.stats().gaps()).containsExactly(
                    new TimelineStats.Gap(5 * PACKET, pause, pause, TimelineStats.GapAction.KEPT));
        }

        @Test
        @DisplayName("skip: a pause is cut whatever its length, but lost packets stay silence at their place")
        void skipCutsPausesNotLoss() {
            TimelineAssembler a = with(GapHandling.Policy.SKIP);
            long shortPause = 8000L * 2;
            RtpStream afterShortPause = new RtpStream(RtpStream.PCMA, stream.ssrc(), stream.firstSeq(),
                    stream.firstTs() + shortPause, PACKET);
            send(a, stream, range(0, 4));
            send(a, afterShortPause, except(range(5, 14), 8, 9));
            a.finish();

            assertThat(out.shape()).containsExactly("audio " + 8 * PACKET, "silence " + 2 * PACKET, "audio " + 5 * PACKET);
            assertThat(a.stats().gaps()).containsExactly(
                    new TimelineStats.Gap(5 * PACKET, shortPause, 0, TimelineStats.GapAction.SKIPPED));
            assertThat(a.stats().lost()).isEqualTo(2);
        }

        @Test
        @DisplayName("a pause after a comfort-noise packet (DTX) is a gap: the CN packet's sequence number explains 20 ms, not the pause")
        void pauseAfterComfortNoise() {
            TimelineAssembler a = with(GapHandling.Policy.COLLAPSE);
            send(a, stream, range(0, 4));
            // packet 5 is a CN packet (PT 13) at the pause's start; audio resumes with packet 6
            byte[] cn = RtpStream.datagram(13, stream.seq(5), stream.ts(5), stream.ssrc(), new byte[] {0x40});
            a.offer(T0 + 100_000, cn, 0, cn.length);
            long quiet = 8000L * 10;
            send(a, new RtpStream(RtpStream.PCMA, stream.ssrc(), stream.firstSeq(), stream.firstTs() + quiet, PACKET), 6, 7);
            a.finish();

            assertThat(out.shape()).containsExactly("audio " + 5 * PACKET, "silence " + (quiet + PACKET), "audio " + 2 * PACKET);
            assertThat(a.stats().gaps()).containsExactly(
                    new TimelineStats.Gap(5 * PACKET, quiet + PACKET, quiet + PACKET, TimelineStats.GapAction.KEPT));
            assertThat(a.stats().otherPayloadTypes()).containsEntry(13, 1L);
            assertThat(a.stats().lost()).isZero();
        }

        @Test
        @DisplayName("a burst of loss is never a gap, under any policy")
        void lossIsNotAGap() {
            for (GapHandling.Policy policy : GapHandling.Policy.values()) {
                TimelineRecorder sink = new TimelineRecorder();
                TimelineAssembler a = new TimelineAssembler(RtpStream.PCMA, 8000, WINDOW,
                        new GapHandling(policy, MAX_GAP, 8000, MARKER), sink);
                int[] ks = except(range(0, 199), range(20, 179)); // 160 packets = 3.2 s lost
                for (int k : ks) {
                    a.offer(T0 + 20_000L * k, stream.packet(k), 0, stream.packet(k).length);
                }
                a.finish();

                assertThat(sink.shape()).as(policy.name())
                        .containsExactly("audio " + 20 * PACKET, "silence " + 160 * PACKET, "audio " + 20 * PACKET);
                assertThat(a.stats().gaps()).as(policy.name()).isEmpty();
            }
        }
    }

    @Nested
    @DisplayName("jitter")
    class Jitter {

        @Test
        @DisplayName("a perfectly paced stream has (almost) no jitter, one that arrives in bursts has some")
        void pacing() {
            offer(stream, range(0, 49));
            assembler.finish();
            assertThat(assembler.stats().maxJitterMillis()).isLessThan(0.5);

            TimelineAssembler bursty = new TimelineAssembler(RtpStream.PCMA, 8000, WINDOW, GAPS, new TimelineRecorder());
            for (int k = 0; k < 50; k++) {
                byte[] p = stream.packet(k);
                // packets arrive five at a time, every 100 ms
                bursty.offer(T0 + 100_000L * (k / 5), p, 0, p.length);
            }
            bursty.finish();
            assertThat(bursty.stats().maxJitterMillis()).isGreaterThan(5.0);
        }

        @Test
        @DisplayName("jitter does not depend on where the arrival clock's origin lies")
        void jitterIndependentOfClockOrigin() {
            // the stream's arrival times straddle the point where arrivalMicros * 8000 passes 2^63
            long origin = Long.MAX_VALUE / 8000 - 10 * 20_000;
            for (int k = 0; k < 20; k++) {
                byte[] p = stream.packet(k);
                assembler.offer(origin + 20_000L * k, p, 0, p.length);
            }
            assembler.finish();

            assertThat(assembler.stats().maxJitterMillis()).isLessThan(0.5);
        }
    }

    @Nested
    @DisplayName("whatever the network does (random losses, duplicates and reordering within the window)")
    class RandomNetwork {

        @ParameterizedTest(name = "seed {0}")
        @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
        @DisplayName("every received packet sits at its timestamp, every missing one is silence, and the counts add up")
        void model(int seed) {
            Random random = new Random(seed);
            int n = 400;
            // both counters wrap in the middle of the stream
            RtpStream s = RtpStream.pcma(random.nextInt() & 0xFFFF_FFFFL, 65536 - n / 2, TWO_32 - (long) PACKET * n / 3 + 17);

            // the network: lose ~5%, delay each packet by up to (not quite) three packets, duplicate ~3% with any delay
            record Arrival(double at, int k) {
            }
            List<Arrival> arrivals = new ArrayList<>();
            TreeSet<Integer> delivered = new TreeSet<>();
            int duplicates = 0;
            for (int k = 0; k < n; k++) {
                if (random.nextDouble() < 0.05) {
                    continue;
                }
                delivered.add(k);
                arrivals.add(new Arrival(k + random.nextDouble() * 2.99, k));
                if (random.nextDouble() < 0.03) {
                    arrivals.add(new Arrival(k + random.nextDouble() * 60, k));
                    duplicates++;
                }
            }
            arrivals.sort(Comparator.comparingDouble(Arrival::at));
            int junk = 0;
            for (Arrival a : arrivals) {
                offerRaw(T0 + (long) (a.at() * 20_000), s.packet(a.k()));
                if (random.nextDouble() < 0.02) {
                    offerRaw(T0, new byte[random.nextInt(12)]);
                    junk++;
                }
            }
            assembler.finish();

            // the model: from the first to the last delivered packet, payload where delivered, silence elsewhere
            int first = delivered.first();
            int last = delivered.last();
            TimelineRecorder model = new TimelineRecorder();
            for (int k = first; k <= last; k++) {
                if (delivered.contains(k)) {
                    model.audio(s.payload(k), 0, PACKET);
                } else {
                    model.silence(PACKET);
                }
            }
            assertThat(out.shape()).isEqualTo(model.shape());
            assertThat(out.audioBytes()).isEqualTo(model.audioBytes());

            TimelineStats stats = assembler.stats();
            assertThat(stats.received()).isEqualTo(arrivals.size() + junk);
            assertThat(stats.placed()).isEqualTo(delivered.size());
            assertThat(stats.duplicated()).isEqualTo(duplicates);
            assertThat(stats.late()).isZero();
            assertThat(stats.expected()).isEqualTo(last - first + 1);
            assertThat(stats.lost()).isEqualTo(stats.expected() - stats.placed());
            long dropped = stats.droppedByReason().values().stream().mapToLong(Long::longValue).sum();
            assertThat(stats.received()).isEqualTo(stats.placed() + stats.duplicated() + stats.late() + dropped);
            assertThat(stats.durationUnits()).isEqualTo((long) (last - first + 1) * PACKET);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void aStreamWhoseTimestampsNeverAdvanceCannotGrowTheReorderBufferWithoutBound() {
        // A broken sender repeats one timestamp: the window never "passes", yet memory must stay bounded.
        int n = TimelineAssembler.MAX_HELD + 500;
        for (int k = 0; k < n; k++) {
            offerRaw(T0 + 20_000L * k, RtpStream.datagram(RtpStream.PCMA, k, 777, 0x42L, new byte[PACKET]));
        }
        // Everything beyond the cap has already been released, before finish(): the first packet
        // is placed, the others claim the same instant and are dropped as overlap.
        TimelineStats stats = assembler.stats();
        assertThat(stats.placed() + stats.droppedByReason().getOrDefault("overlap", 0L))
                .isEqualTo(n - TimelineAssembler.MAX_HELD);
        assertThat(out.length()).isEqualTo(PACKET);
    }

    @Test
    void anOutageLongerThanTheRestartThresholdIsLossKeptAsSilenceNotARestart() {
        // 3,100 packets (62 s) never arrive, but timestamps advanced with the sequence numbers:
        // the stream lived on, the network lost it. A restart would have erased the 62 s.
        TimelineRecorder sink = new TimelineRecorder();
        TimelineAssembler wide = new TimelineAssembler(RtpStream.PCMA, 8000, WINDOW, new GapHandling(GapHandling.Policy.COLLAPSE, 3600L * 8000, 8000, MARKER), sink);
        for (int k : new int[] {0, 1, 2, 3103, 3104}) {
            wide.offer(T0 + 20_000L * k, stream.packet(k), 0, stream.packet(k).length);
        }
        wide.finish();

        assertThat(sink.shape()).containsExactly("audio 480", "silence " + 3100 * PACKET, "audio 320");
        assertThat(wide.stats().lost()).isEqualTo(3100);
        assertThat(wide.stats().placed()).isEqualTo(5);
    }

    @Test
    void aLongOutageBeyondTheGapLimitIsCollapsedAndReported() {
        // Same outage with a 60 s limit: collapsed, and said so in the stats.
        offer(stream, 0, 1, 2, 3103, 3104);
        assembler.finish();

        assertThat(out.shape()).containsExactly("audio 480", "silence " + MARKER, "audio 320");
        assertThat(assembler.stats().gaps()).containsExactly(
                new TimelineStats.Gap(3 * PACKET, 3100L * PACKET, MARKER, TimelineStats.GapAction.COLLAPSED));
        assertThat(assembler.stats().lost()).isEqualTo(3100);
    }

    @Test
    @DisplayName("copies of two consecutive packets arriving far behind (beyond RFC 3550's misorder limit) are duplicates, not a restart")
    void oldConsecutiveCopiesAreNotARestart() {
        offer(stream, range(0, 199));
        // packets 10 and 11 again, 190 packets after they were sent
        offerRaw(T0 + 20_000L * 200, stream.packet(10));
        offerRaw(T0 + 20_000L * 200, stream.packet(11));
        offer(stream, range(200, 209));
        assembler.finish();

        assertThat(out.shape()).containsExactly("audio " + 210 * PACKET);
        assertThat(assembler.stats().duplicated()).isEqualTo(2);
        assertThat(assembler.restarts()).isZero();
    }

    @Test
    void timestampsThatJumpBackWhileSequenceNumbersGoOnContinueTheTimeline() {
        // After 5 packets the sender resets its timestamps to 0 but keeps counting packets.
        for (int k = 0; k < 10; k++) {
            long ts = k < 5 ? 90_000 + 160L * k : 160L * (k - 5);
            offerRaw(T0 + 20_000L * k, RtpStream.datagram(RtpStream.PCMA, 500 + k, ts, 0x77L, stream.payload(k)));
        }
        assembler.finish();

        // Nothing is dropped as overlap: the ten packets follow each other.
        assertThat(out.shape()).containsExactly("audio " + 10 * PACKET);
        assertThat(assembler.stats().placed()).isEqualTo(10);
        assertThat(assembler.stats().droppedByReason()).isEmpty();
    }

    @Test
    void afterATimestampResetReorderingIsStillRepairedAndJitterStaysTrue() {
        // 20 packets, then the sender resets its timestamps (sequence numbers go on); after the
        // reset, packets 30 and 31 arrive swapped.
        int[] order = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
            20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 31, 30, 32, 33, 34, 35, 36, 37, 38, 39};
        for (int i = 0; i < order.length; i++) {
            int k = order[i];
            long ts = k < 20 ? 900_000 + 160L * k : 1_000 + 160L * (k - 20);
            offerRaw(T0 + 20_000L * i, RtpStream.datagram(RtpStream.PCMA, 7000 + k, ts, 0x99L, stream.payload(k)));
        }
        assembler.finish();

        assertThat(out.shape()).containsExactly("audio " + 40 * PACKET);
        assertThat(out.audioBytes()).isEqualTo(stream.payloads(0, 39));
        assertThat(assembler.stats().late()).isZero();
        assertThat(assembler.timestampResets()).isEqualTo(1);
        assertThat(assembler.stats().maxJitterMillis()).isLessThan(25.0);
    }

    @Test
    void aPacketWhoseTimestampStepsBackLessThanTheWindowIsOverlapNotAReset() {
        // Packet 5 claims the instant of packet 3 (a re-send under a new sequence number).
        for (int k = 0; k < 10; k++) {
            long ts = 160L * (k == 5 ? 3 : k);
            offerRaw(T0 + 20_000L * k, RtpStream.datagram(RtpStream.PCMA, 100 + k, ts, 0x55L, stream.payload(k)));
        }
        assembler.finish();

        // The timeline keeps its clock: packet 5's slot stays silent, nothing shifts.
        assertThat(out.shape()).containsExactly("audio " + 5 * PACKET, "silence " + PACKET, "audio " + 4 * PACKET);
        assertThat(assembler.stats().droppedByReason()).containsEntry("overlap", 1L);
        assertThat(assembler.timestampResets()).isZero();
    }
}
