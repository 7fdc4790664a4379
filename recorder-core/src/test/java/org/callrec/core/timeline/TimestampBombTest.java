package org.callrec.core.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The timestamp bombs a fuzz run found, on an 8 kHz PCMA stream with storage's defaults (500 ms
 * window, collapse beyond 5 min, 1 s minimum pause): whatever the timestamps claim, the silence
 * written is bounded by the arrival time that passed plus the window per hole, and the caps end a
 * timeline whose audio would run ahead of that.
 */
class TimestampBombTest {

    private static final long T0 = 1_700_000_000_000_000L;
    private static final long WINDOW = 4000; // 500 ms
    private static final long SSRC = 0xB0B;

    private static GapHandling policy(GapHandling.Policy p) {
        return GapHandling.of(p, java.time.Duration.ofMinutes(5), java.time.Duration.ofSeconds(1), 8000);
    }

    /** Counts what was written. */
    private static final class Counting implements TimelineAssembler.Sink {
        long audio;
        long silence;

        @Override
        public void audio(byte[] buf, int off, int len) {
            audio += len;
        }

        @Override
        public void silence(long units) {
            silence += units;
        }
    }

    private static void offer(TimelineAssembler a, long arrivalMicros, int seq, long ts) {
        // 13 bytes: the 12-byte header and one byte of payload
        byte[] d = RtpStream.datagram(RtpStream.PCMA, seq & 0xFFFF, ts & 0xFFFF_FFFFL, SSRC, new byte[] {1});
        a.offer(arrivalMicros, d, 0, d.length);
    }

    @Test
    @DisplayName("500 packets of 13 bytes in 10 s, each jumping the timestamps just under the collapse limit: "
            + "at most 10 s + one window per hole of silence, not 2.2 GiB")
    void fiveHundredJumps() {
        for (GapHandling.Policy p : GapHandling.Policy.values()) {
            Counting sink = new Counting();
            TimelineAssembler a = new TimelineAssembler(RtpStream.PCMA, 8000, WINDOW, policy(p), sink);
            long ts = 0;
            for (int i = 0; i < 500; i++) {
                offer(a, T0 + 20_000L * i, i, ts);
                ts += 5 * 60 * 8000 - 1; // just under the 5 min limit: kept whole before
            }
            a.finish();

            // 10 s of arrival time and one window per hole, never the 2,395,200,000 units the timestamps claim
            assertThat(sink.silence).as(p.name()).isLessThanOrEqualTo(499 * (160 + WINDOW));
            assertThat(a.stats().gapsAltered()).as(p.name()).isPositive();
        }
    }

    @Test
    @DisplayName("the same bomb with caps: the timeline ends where the audio would run ahead of the time that passed")
    void fiveHundredJumpsCapped() {
        Counting sink = new Counting();
        TimelineCaps caps = new TimelineCaps(WINDOW + 2 * 8000, Long.MAX_VALUE, 100);
        TimelineAssembler a = new TimelineAssembler(RtpStream.PCMA, 8000, WINDOW, policy(GapHandling.Policy.COLLAPSE),
                caps, sink);
        long ts = 0;
        for (int i = 0; i < 500; i++) {
            offer(a, T0 + 20_000L * i, i, ts);
            ts += 5 * 60 * 8000 - 1;
        }
        a.finish();

        assertThat(a.capTripped()).isEqualTo(TimelineCap.AUDIO_LENGTH);
        // ~10 s passed: the audio never passes it by more than the lead (and 1 % drift)
        assertThat(sink.audio + sink.silence).isLessThanOrEqualTo(10 * 8000 + 800 + WINDOW + 2 * 8000);
        TimelineStats stats = a.stats();
        assertThat(stats.capTripped()).isEqualTo(TimelineCap.AUDIO_LENGTH);
        assertThat(stats.droppedByReason()).containsKey("capped");
        assertThat(stats.placed() + stats.droppedByReason().values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(500);
    }

    @Test
    @DisplayName("silence policy, one packet jumping 2^31-1 units a moment later: one window of silence, not 4 GiB")
    void silencePolicySingleJump() {
        Counting sink = new Counting();
        TimelineAssembler a = new TimelineAssembler(RtpStream.PCMA, 8000, WINDOW, policy(GapHandling.Policy.SILENCE), sink);
        offer(a, T0, 1, 0);
        offer(a, T0 + 20_000, 2, Integer.MAX_VALUE);
        a.finish();

        assertThat(sink.silence).isLessThanOrEqualTo(160 + WINDOW);
        assertThat(a.stats().gaps()).singleElement()
                .satisfies(g -> assertThat(g.action()).isEqualTo(TimelineStats.GapAction.BOUNDED))
                .satisfies(g -> assertThat(g.lengthUnits()).isEqualTo(Integer.MAX_VALUE - 1L));
    }

    @Test
    @DisplayName("three packets reordered 1, 3, 2 with hostile timestamps: no hole of 4,294,967,293 units")
    void reorderedOneThreeTwo() {
        Counting sink = new Counting();
        TimelineAssembler a = new TimelineAssembler(RtpStream.PCMA, 8000, WINDOW, policy(GapHandling.Policy.SILENCE), sink);
        offer(a, T0, 1, 0);
        offer(a, T0 + 20_000, 3, 0xFFFF_FFFFL); // "just before" 0, extended far back or far ahead
        offer(a, T0 + 40_000, 2, 2);
        a.finish();

        assertThat(sink.silence).isLessThanOrEqualTo(2 * (160 + WINDOW));
    }

    @Test
    @DisplayName("180,000 packets 1 s apart: the first 100 gaps are listed, the other 179,899 counted")
    void gapListBounded() {
        Counting sink = new Counting();
        TimelineAssembler a = new TimelineAssembler(RtpStream.PCMA, 8000, WINDOW, policy(GapHandling.Policy.SILENCE),
                TimelineCaps.NONE, sink);
        for (int i = 0; i < 180_000; i++) {
            // one byte of audio a second, timestamps and arrival both 2 s apart: each hole a real pause
            offer(a, T0 + 2_000_000L * i, i, 16_000L * i);
        }
        a.finish();

        TimelineStats stats = a.stats();
        assertThat(stats.gaps()).hasSize(TimelineCaps.DEFAULT_GAPS_LISTED);
        assertThat(stats.gapsOmitted()).isEqualTo(179_999 - TimelineCaps.DEFAULT_GAPS_LISTED);
    }

    @Test
    @DisplayName("a receiver that stalled 3 s at the start (first 150 packets stamped at once): no cap trips, counted from the start")
    void stalledReceiverDoesNotTrip() {
        Counting sink = new Counting();
        TimelineAssembler a = new TimelineAssembler(RtpStream.PCMA, 8000, WINDOW, policy(GapHandling.Policy.COLLAPSE),
                new TimelineCaps(WINDOW + 2 * 8000, Long.MAX_VALUE, 100), sink);
        a.startedAt(T0);
        for (int i = 0; i < 500; i++) {
            byte[] d = RtpStream.datagram(RtpStream.PCMA, i, 160L * i, SSRC, new byte[160]);
            a.offer(T0 + Math.max(3_000_000L, 20_000L * i), d, 0, d.length);
        }
        a.finish();

        assertThat(a.capTripped()).isNull();
        assertThat(sink.audio).isEqualTo(500 * 160);
    }

    @Test
    @DisplayName("the byte cap ends the timeline at the longest audio allowed")
    void byteCap() {
        Counting sink = new Counting();
        TimelineAssembler a = new TimelineAssembler(RtpStream.PCMA, 8000, WINDOW, policy(GapHandling.Policy.COLLAPSE),
                new TimelineCaps(Long.MAX_VALUE, 8000, 100), sink);
        for (int i = 0; i < 100; i++) {
            byte[] d = RtpStream.datagram(RtpStream.PCMA, i, 160L * i, SSRC, new byte[160]);
            a.offer(T0 + 20_000L * i, d, 0, d.length);
        }
        a.finish();

        assertThat(a.capTripped()).isEqualTo(TimelineCap.BYTES);
        assertThat(sink.audio + sink.silence).isEqualTo(8000);
        assertThat(a.stats().placed()).isEqualTo(50);
        assertThat(a.stats().droppedByReason()).containsEntry("capped", 50L);
    }
}
