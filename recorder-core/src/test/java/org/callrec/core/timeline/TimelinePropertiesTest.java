package org.callrec.core.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Properties of the ordering logic, checked by jqwik over generated networks: whatever the order
 * packets arrive in (within the reorder window), whichever are lost and however many copies come,
 * the timeline is the one the sender meant — every delivered packet's payload at its timestamp,
 * silence of exactly its length in place of every lost one, nothing else — wherever the 16-bit
 * sequence number and the 32-bit timestamp wrap.
 */
@Label("Timeline properties")
class TimelinePropertiesTest {

    private static final int PACKET = 160;
    /** Reorder window: the service's default, 500 ms = 25 packets. Delays below stay within it. */
    private static final int WINDOW_PACKETS = 25;
    private static final long WINDOW = WINDOW_PACKETS * PACKET;
    private static final GapHandling GAPS = new GapHandling(GapHandling.Policy.COLLAPSE, 60 * 8000, 8000, 8000);
    private static final long T0 = 1_700_000_000_000_000L;

    /** What the network did to one packet: lost or not, its delay, and its copies' delays. */
    record Fate(boolean lost, double delayPackets, List<Double> copyDelaysPackets) {
    }

    @Provide
    Arbitrary<List<Fate>> networks() {
        Arbitrary<Fate> fate = Combinators.combine(
                        Arbitraries.integers().between(0, 99).map(p -> p < 15),           // ~15% loss, bursts included by chance
                        Arbitraries.doubles().between(0, WINDOW_PACKETS - 0.01),            // any delay within the window
                        Arbitraries.doubles().between(0, 4 * WINDOW_PACKETS).list().ofMaxSize(2)) // copies: any delay, even far beyond the window
                .as(Fate::new);
        return fate.list().ofMinSize(1).ofMaxSize(300);
    }

    @Provide
    Arbitrary<List<Fate>> burstyNetworks() {
        // long bursts of loss: each packet lost with the previous one's fate most of the time
        return Arbitraries.integers().between(1, 300).flatMap(n -> Arbitraries.integers().between(0, 99).list().ofSize(n)
                .map(rolls -> {
                    List<Fate> fates = new ArrayList<>();
                    boolean lost = false;
                    for (int r : rolls) {
                        lost = lost ? r < 85 : r < 5;
                        fates.add(new Fate(lost, (r % 10) * (WINDOW_PACKETS - 0.01) / 9, List.of()));
                    }
                    return fates;
                }));
    }

    @Property(tries = 300)
    @Label("any arrival order within the window and any loss pattern give the sender's timeline")
    void orderAndLossDoNotMatter(@ForAll("networks") List<Fate> network,
                                 @ForAll @IntRange(min = 0, max = 65535) int firstSeq,
                                 @ForAll @LongRange(min = 0, max = 0xFFFF_FFFFL) long firstTs) {
        RtpStream s = RtpStream.pcma(0xC0FFEEL, firstSeq, firstTs);

        Run run = deliver(s, network);

        assertThat(run.out.shape()).isEqualTo(model(s, network).shape());
        assertThat(run.out.audioBytes()).isEqualTo(model(s, network).audioBytes());
        TimelineStats stats = run.assembler.stats();
        assertThat(stats.late()).isZero();
        assertThat(stats.placed()).isEqualTo(delivered(network).size());
        assertThat(stats.lost()).isEqualTo(stats.expected() - stats.placed());
        assertThat(stats.gaps()).isEmpty();
    }

    @Property(tries = 200)
    @Label("bursts of loss become silence of exactly their length, at their place")
    void burstsOfLoss(@ForAll("burstyNetworks") List<Fate> network,
                      @ForAll @IntRange(min = 0, max = 65535) int firstSeq) {
        RtpStream s = RtpStream.pcma(0xBEEFL, firstSeq, 12345);

        Run run = deliver(s, network);

        assertThat(run.out.units()).isEqualTo(model(s, network).units());
    }

    @Property(tries = 200)
    @Label("copies of packets, however late, change nothing but the duplicate count")
    void duplicatesChangeNothing(@ForAll("networks") List<Fate> network,
                                 @ForAll @IntRange(min = 0, max = 65535) int firstSeq) {
        RtpStream s = RtpStream.pcma(0xD00DL, firstSeq, 4_000_000_000L);
        List<Fate> withoutCopies = network.stream().map(f -> new Fate(f.lost(), f.delayPackets(), List.of())).toList();

        Run plain = deliver(s, withoutCopies);
        Run copied = deliver(s, network);

        assertThat(copied.out.units()).isEqualTo(plain.out.units());
        long copies = network.stream().filter(f -> !f.lost()).mapToLong(f -> f.copyDelaysPackets().size()).sum();
        assertThat(copied.assembler.stats().duplicated()).isEqualTo(copies);
        assertThat(copied.assembler.stats().placed()).isEqualTo(plain.assembler.stats().placed());
    }

    @Property(tries = 300)
    @Label("the sequence number and the timestamp may wrap anywhere in the stream")
    void wrapAnywhere(@ForAll("networks") List<Fate> network,
                      @ForAll @IntRange(min = 0, max = 299) int seqWrapAt,
                      @ForAll @IntRange(min = 0, max = 299) int tsWrapAt,
                      @ForAll @IntRange(min = 0, max = PACKET - 1) int tsPhase) {
        // packet seqWrapAt is the first after the sequence wrap; the timestamp wraps inside packet tsWrapAt
        RtpStream s = RtpStream.pcma(0xABCDL, 65536 - seqWrapAt, (1L << 32) - (long) tsWrapAt * PACKET - tsPhase);

        Run run = deliver(s, network);

        assertThat(run.out.units()).isEqualTo(model(s, network).units());
        assertThat(run.assembler.stats().expected()).isEqualTo(span(network));
    }

    @Property(tries = 300)
    @Label("an SSRC switch anywhere, with any arrival order within the window around it, gives the in-order timeline")
    void ssrcSwitchAnywhere(@ForAll("networks") List<Fate> withCopies,
                            @ForAll @IntRange(min = 0, max = 300) int switchAt,
                            @ForAll @IntRange(min = 0, max = 65535) int oldSeq,
                            @ForAll @IntRange(min = 0, max = 65535) int newSeq,
                            @ForAll @LongRange(min = 0, max = 0xFFFF_FFFFL) long newTs) {
        // packets before switchAt come from the old SSRC, the rest from a new one with its own numbering;
        // no copies: a copy of an old packet beyond the window is that SSRC coming back, a switch again
        List<Fate> network = withCopies.stream().map(f -> new Fate(f.lost(), f.delayPackets(), List.of())).toList();
        RtpStream old = RtpStream.pcma(0x01DL, oldSeq, 4_294_960_000L);
        RtpStream next = RtpStream.pcma(0x2EEL, newSeq, newTs);
        int at = Math.min(switchAt, network.size());
        Source source = k -> k < at ? old.packet(k) : next.packet(k - at);

        // the recording starts with the old SSRC: the first SSRC heard is the first stream (nothing can tell
        // which of two unrelated SSRCs came first if the new one is heard first)
        List<Integer> byArrival = arrivalOrder(network);
        Assume.that(byArrival.isEmpty() || byArrival.get(0) < at || byArrival.stream().allMatch(k -> k >= at));

        Run run = deliver(source, network);
        Run ordered = deliver(source, network.stream().map(f -> new Fate(f.lost(), 0, List.of())).toList());

        // the old stream from its first to its last delivered packet, then the new one likewise: no gap, no overlap
        TimelineRecorder model = new TimelineRecorder();
        List<Integer> delivered = delivered(network);
        List<Integer> before = delivered.stream().filter(k -> k < at).toList();
        List<Integer> after = delivered.stream().filter(k -> k >= at).toList();
        if (!before.isEmpty()) {
            appendModel(model, old, network, before.get(0), before.get(before.size() - 1), 0);
        }
        if (!after.isEmpty()) {
            appendModel(model, next, network, after.get(0), after.get(after.size() - 1), at);
        }
        assertThat(run.out.units()).isEqualTo(model.units());
        assertThat(run.out.units()).isEqualTo(ordered.out.units());
        assertThat(run.out.newStreamsAt()).isEqualTo(before.isEmpty() || after.isEmpty()
                ? List.of() : List.of((long) (before.get(before.size() - 1) - before.get(0) + 1) * PACKET));
        TimelineStats stats = run.assembler.stats();
        assertThat(stats.droppedByReason()).doesNotContainKey("stale-ssrc");
        assertThat(stats.late()).isZero();
        assertThat(stats.placed()).isEqualTo(delivered.size());
        assertThat(stats.ssrcChanges()).isEqualTo(before.isEmpty() || after.isEmpty() ? 0 : 1);
    }

    private static List<Integer> arrivalOrder(List<Fate> network) {
        return delivered(network).stream()
                .sorted(Comparator.comparingDouble(k -> k + network.get(k).delayPackets()))
                .toList();
    }

    private static void appendModel(TimelineRecorder model, RtpStream s, List<Fate> network, int from, int to, int offset) {
        for (int k = from; k <= to; k++) {
            if (network.get(k).lost()) {
                model.silence(PACKET);
            } else {
                model.audio(s.payload(k - offset), 0, PACKET);
            }
        }
    }

    @Example
    @Label("the generators do produce wraps, losses, reordering and copies (the properties are not vacuous)")
    void generatorsCoverTheCases() {
        RtpStream s = RtpStream.pcma(1, 65530, (1L << 32) - 3 * PACKET);
        assertThat(s.seq(10)).isLessThan(s.seq(0));
        assertThat(s.ts(10)).isLessThan(s.ts(0));
        List<Fate> network = List.of(new Fate(false, 2.5, List.of(40.0)), new Fate(true, 0, List.of()),
                new Fate(false, 0, List.of()), new Fate(false, 0, List.of()));
        Run run = deliver(s, network);
        assertThat(run.out.shape()).containsExactly("audio 160", "silence 160", "audio 320");
        assertThat(run.assembler.stats().duplicated()).isEqualTo(1);
    }

    private record Run(TimelineAssembler assembler, TimelineRecorder out) {
    }

    /** The datagram of packet {@code k} of the call. */
    private interface Source {
        byte[] packet(int k);
    }

    /** Offers the packets of {@code s} as {@code network} delivers them, then finishes. */
    private static Run deliver(RtpStream s, List<Fate> network) {
        return deliver(s::packet, network);
    }

    /** Offers the packets of {@code source} as {@code network} delivers them, then finishes. */
    private static Run deliver(Source source, List<Fate> network) {
        record Arrival(double at, int k) {
        }
        List<Arrival> arrivals = new ArrayList<>();
        for (int k = 0; k < network.size(); k++) {
            Fate f = network.get(k);
            if (f.lost()) {
                continue;
            }
            arrivals.add(new Arrival(k + f.delayPackets(), k));
            for (double copy : f.copyDelaysPackets()) {
                arrivals.add(new Arrival(k + f.delayPackets() + copy, k));
            }
        }
        arrivals.sort(Comparator.comparingDouble(Arrival::at));
        TimelineRecorder out = new TimelineRecorder();
        TimelineAssembler a = new TimelineAssembler(RtpStream.PCMA, 8000, WINDOW, GAPS, out);
        for (Arrival arrival : arrivals) {
            byte[] p = source.packet(arrival.k());
            a.offer(T0 + (long) (arrival.at() * 20_000), p, 0, p.length);
        }
        a.finish();
        return new Run(a, out);
    }

    /** From the first to the last delivered packet: its payload where delivered, its length of silence where lost. */
    private static TimelineRecorder model(RtpStream s, List<Fate> network) {
        TimelineRecorder model = new TimelineRecorder();
        List<Integer> delivered = delivered(network);
        if (delivered.isEmpty()) {
            return model;
        }
        for (int k = delivered.get(0); k <= delivered.get(delivered.size() - 1); k++) {
            if (network.get(k).lost()) {
                model.silence(PACKET);
            } else {
                model.audio(s.payload(k), 0, PACKET);
            }
        }
        return model;
    }

    private static List<Integer> delivered(List<Fate> network) {
        List<Integer> ks = new ArrayList<>();
        for (int k = 0; k < network.size(); k++) {
            if (!network.get(k).lost()) {
                ks.add(k);
            }
        }
        return ks;
    }

    private static long span(List<Fate> network) {
        List<Integer> d = delivered(network);
        return d.isEmpty() ? 0 : d.get(d.size() - 1) - d.get(0) + 1;
    }
}
