package org.callrec.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.statistics.Statistics;

import org.callrec.core.rtp.RtpHeader;
import org.callrec.core.timeline.GapHandling;
import org.callrec.core.timeline.TimelineAssembler;
import org.callrec.core.timeline.TimelineCaps;
import org.callrec.core.timeline.TimelineStats;

/**
 * Fuzzes the timeline with hostile datagram sequences: a PCMA stream whose sequence numbers,
 * timestamps and SSRC jump at random, with duplicates, packets from the past, other payload
 * types, padding/CSRC/extension variants, garbage datagrams and an arrival clock that stalls,
 * leaps or goes back. Whatever comes, the assembler neither throws nor loops, accounts for
 * every datagram once, writes no audio byte it was not given, fills no hole with more than the
 * arrival time that passed plus the reorder window, keeps its audio within its caps, and holds
 * memory in proportion to what it was given.
 */
@Label("Fuzz: timeline assembler")
@AddLifecycleHook(FuzzDepth.class)
class TimelineAssemblerFuzzTest {

    private static final int PCMA = 8;
    private static final int PACKET = 160;

    /** One step of the hostile sender; {@link #datagrams} turns steps into datagrams. */
    record Step(int kind, int a, long b, int len, long dtMicros) {
    }

    @Provide
    Arbitrary<List<Step>> senders() {
        return senders(0, 400);
    }

    /** Long enough to fill the reorder buffer and the switch buffer past their caps (1,000 packets). */
    @Provide
    Arbitrary<List<Step>> longSenders() {
        return senders(1001, 2500);
    }

    static Arbitrary<List<Step>> senders(int minSteps, int maxSteps) {
        Arbitrary<Long> dt = Arbitraries.frequencyOf(
                Tuple.of(20, Arbitraries.just(20_000L)),
                Tuple.of(4, Arbitraries.longs().between(0, 100_000)),
                Tuple.of(1, Arbitraries.longs().between(-5_000_000, 0)),
                Tuple.of(1, Arbitraries.longs().between(0, 3_600_000_000L)));
        Arbitrary<Integer> len = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just(PACKET)),
                Tuple.of(1, Arbitraries.integers().between(0, 400)));
        return Combinators.combine(Arbitraries.integers().between(0, 99), Arbitraries.integers(), Arbitraries.longs(), len, dt)
                .as(Step::new).list().ofMinSize(minSteps).ofMaxSize(maxSteps);
    }

    @Provide
    Arbitrary<GapHandling> gapHandlings() {
        return Combinators.combine(Arbitraries.of(GapHandling.Policy.class),
                Arbitraries.longs().between(0, 5 * 60 * 8000), Arbitraries.longs().between(1, 16_000),
                Arbitraries.longs().between(0, 8000))
                .as((p, max, minPause, marker) -> new GapHandling(p, max, minPause, Math.min(max, marker)));
    }

    @Provide
    Arbitrary<Long> reorderWindows() {
        return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of(0L, 160L, 4000L)),
                Tuple.of(1, Arbitraries.longs().between(0, 80_000)));
    }

    /** A datagram and when it arrived. */
    record Datagram(long arrivalMicros, byte[] bytes) {
    }

    /** The hostile sender: a PCMA stream that its steps bend. */
    static List<Datagram> datagrams(List<Step> steps) {
        return datagrams(steps, false);
    }

    /** As {@link #datagrams(List)}; with a {@code frozen} clock, neither timestamps nor arrival times advance by themselves. */
    static List<Datagram> datagrams(List<Step> steps, boolean frozen) {
        List<Datagram> out = new ArrayList<>();
        int seq = 1000;
        long ts = 4_294_000_000L;
        long ssrc = 0xA;
        long arrival = 1_700_000_000_000_000L;
        int n = 0;
        for (Step s : steps) {
            arrival += frozen ? 0 : s.dtMicros();
            int kind = s.kind();
            int pt = PCMA;
            int flags = 0;
            if (kind >= 60 && kind < 68 && !out.isEmpty()) {
                // a copy of an earlier datagram
                out.add(new Datagram(arrival, out.get(Math.floorMod(s.a(), out.size())).bytes()));
                continue;
            }
            if (kind >= 87 && kind < 92) {
                byte[] garbage = new byte[s.len()];
                new java.util.Random(s.b()).nextBytes(garbage);
                out.add(new Datagram(arrival, garbage));
                continue;
            }
            seq = (seq + 1) & 0xFFFF;
            ts = (ts + (frozen ? 0 : PACKET)) & 0xFFFF_FFFFL;
            if (kind >= 68 && kind < 74) {
                seq = (seq + s.a()) & 0xFFFF;
                ts = (ts + s.b()) & 0xFFFF_FFFFL;
            } else if (kind >= 74 && kind < 79) {
                ts = (ts + s.b()) & 0xFFFF_FFFFL;
            } else if (kind >= 79 && kind < 83) {
                ssrc = switch (Math.floorMod(s.a(), 4)) {
                    case 0 -> 0xA;
                    case 1 -> 0xB;
                    case 2 -> 0xC;
                    default -> s.b() & 0xFFFF_FFFFL;
                };
                if (s.b() % 2 == 0) {
                    seq = (int) (s.b() >>> 16) & 0xFFFF;
                }
            } else if (kind >= 83 && kind < 87) {
                pt = switch (Math.floorMod(s.a(), 3)) {
                    case 0 -> 101;
                    case 1 -> 13;
                    default -> Math.floorMod(s.a() >> 8, 128);
                };
            } else if (kind >= 92 && kind < 96) {
                seq = (seq - 1 - Math.floorMod(s.a(), 200)) & 0xFFFF;
                ts = (ts - (long) PACKET * (1 + Math.floorMod(s.a(), 200))) & 0xFFFF_FFFFL;
            } else if (kind >= 96) {
                flags = s.a();
            }
            out.add(new Datagram(arrival, packet(pt, seq, ts, ssrc, s.len(), flags, n++)));
        }
        return out;
    }

    /** An RTP datagram; {@code flags} adds CSRCs, an extension and padding. */
    static byte[] packet(int pt, int seq, long ts, long ssrc, int payload, int flags, int n) {
        int csrc = flags & 0x3;
        int extWords = (flags & 0x4) != 0 ? (flags >>> 3) & 0x3 : -1;
        int padding = (flags & 0x40) != 0 ? 1 + ((flags >>> 7) & 0x7) : 0;
        ByteBuffer b = ByteBuffer.allocate(12 + 4 * csrc + (extWords < 0 ? 0 : 4 + 4 * extWords) + payload + padding);
        b.put((byte) (0x80 | (padding > 0 ? 0x20 : 0) | (extWords >= 0 ? 0x10 : 0) | csrc)).put((byte) pt)
                .putShort((short) seq).putInt((int) ts).putInt((int) ssrc);
        for (int i = 0; i < csrc; i++) {
            b.putInt(i);
        }
        if (extWords >= 0) {
            b.putShort((short) 0xBEDE).putShort((short) extWords).put(new byte[4 * extWords]);
        }
        for (int i = 0; i < payload; i++) {
            b.put((byte) (n * 31 + i));
        }
        if (padding > 0) {
            b.put(new byte[padding - 1]).put((byte) padding);
        }
        return b.array();
    }

    /** Counts what the timeline wrote; keeps nothing. */
    static final class CountingSink implements TimelineAssembler.Sink {
        long audioBytes;
        long silenceUnits;
        long largestSilence;
        long emptyCalls; // and calls outside the buffer

        @Override
        public void audio(byte[] buf, int off, int len) {
            // counted, not asserted here: the sink runs inside the measured call
            emptyCalls += len <= 0 || off < 0 || off + len > buf.length ? 1 : 0;
            audioBytes += len;
        }

        @Override
        public void silence(long units) {
            emptyCalls += units <= 0 ? 1 : 0;
            silenceUnits += units;
            largestSilence = Math.max(largestSilence, units);
        }
    }

    private static long spanMicros(List<Datagram> datagrams) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (Datagram d : datagrams) {
            min = Math.min(min, d.arrivalMicros());
            max = Math.max(max, d.arrivalMicros());
        }
        return datagrams.isEmpty() ? 0 : max - min;
    }

    @Property(tries = 1500)
    @Label("hostile sequences: no exception, no loop, every datagram accounted once, no audio it was not given")
    void hostileSequences(@ForAll("senders") List<Step> steps, @ForAll("gapHandlings") GapHandling gaps,
                          @ForAll("reorderWindows") long window) {
        check(datagrams(steps), gaps, window, TimelineCaps.NONE);
    }

    @Property(tries = 500)
    @Label("hostile sequences with caps: the audio never runs ahead of the time that passed, the gap list stays short")
    void cappedSequences(@ForAll("senders") List<Step> steps, @ForAll("gapHandlings") GapHandling gaps,
                         @ForAll("reorderWindows") long window) {
        check(datagrams(steps), gaps, window, new TimelineCaps(window + 16_000, 10L * 60 * 8000, 20));
    }

    @Property(tries = 150)
    @Label("long sequences, clock frozen or not: the caps on held packets keep the same promises")
    void longSequences(@ForAll("longSenders") List<Step> steps, @ForAll boolean frozen,
                       @ForAll("gapHandlings") GapHandling gaps) {
        // a window of an hour: only the count caps release packets
        check(datagrams(steps, frozen), gaps, 3600L * 8000, TimelineCaps.NONE);
    }

    private static void check(List<Datagram> datagrams, GapHandling gaps, long window, TimelineCaps caps) {
        CountingSink sink = new CountingSink();
        TimelineAssembler assembler = new TimelineAssembler(PCMA, 8000, window, gaps, caps, sink);

        Fuzz.Outcome<TimelineStats> run = Fuzz.run(() -> {
            for (Datagram d : datagrams) {
                assembler.offer(d.arrivalMicros(), d.bytes(), 0, d.bytes().length);
            }
            assembler.finish();
            return assembler.stats();
        }).allowing();
        TimelineStats stats = run.value();

        Statistics.collect(stats.placed() == 0 ? "nothing placed" : stats.placed() * 2 < datagrams.size() ? "under half placed" : "most placed");
        long offered = datagrams.stream().mapToLong(d -> d.bytes().length).sum();
        long malformed = datagrams.stream()
                .filter(d -> RtpHeader.check(d.bytes(), 0, d.bytes().length) != RtpHeader.Problem.NONE).count();
        assertThat(stats.received()).isEqualTo(datagrams.size());
        assertThat(stats.droppedByReason().getOrDefault("malformed", 0L)).isEqualTo(malformed);
        long dropped = stats.droppedByReason().values().stream().mapToLong(Long::longValue).sum();
        assertThat(stats.placed() + stats.duplicated() + stats.late() + dropped)
                .as("placed + duplicated + late + dropped = received, in %s", stats).isEqualTo(stats.received());
        assertThat(sink.emptyCalls).isZero();
        assertThat(sink.audioBytes).isLessThanOrEqualTo(offered);
        assertThat(stats.durationUnits()).isEqualTo(sink.audioBytes + sink.silenceUnits);
        assertThat(stats.lost()).isBetween(0L, Math.max(0, stats.expected()));
        // every hole is bounded by the arrival gap before its packet plus the window, whatever the
        // timestamps claim; no arrival gap is longer than the whole span
        long spanUnits = spanMicros(datagrams) * 8000 / 1_000_000;
        assertThat(sink.largestSilence).isLessThanOrEqualTo(spanUnits + window);
        if (gaps.policy() == GapHandling.Policy.COLLAPSE) {
            assertThat(sink.largestSilence).isLessThanOrEqualTo(Math.max(gaps.maxSilenceUnits(), gaps.markerUnits()));
        }
        if (caps != TimelineCaps.NONE) {
            assertThat(stats.durationUnits()).isLessThanOrEqualTo(
                    Math.min(caps.maxUnits(), spanUnits + spanUnits / 100 * TimelineCaps.DRIFT_PERCENT + caps.leadUnits()));
            assertThat(stats.gaps()).hasSizeLessThanOrEqualTo(caps.maxGapsListed());
            Statistics.label("cap").collect(stats.capTripped() == null ? "none" : stats.capTripped().token());
        }
        assertThat(run.allocatedBytes()).isLessThanOrEqualTo(8L * offered + 2048L * datagrams.size() + Fuzz.SLACK_BYTES);
    }
}
