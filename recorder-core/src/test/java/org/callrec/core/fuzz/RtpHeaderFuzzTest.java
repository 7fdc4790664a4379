package org.callrec.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;

import org.callrec.core.rtp.RtpHeader;

/**
 * Fuzzes the RTP header accessors over datagrams as the network delivers them: random bytes,
 * and valid packets with random CSRC counts, extensions and padding, then mutated.
 */
@Label("Fuzz: RTP header")
@AddLifecycleHook(FuzzDepth.class)
class RtpHeaderFuzzTest {

    @Provide
    Arbitrary<byte[]> datagrams() {
        Arbitrary<byte[]> valid = net.jqwik.api.Combinators.combine(
                Arbitraries.integers().between(0, 15), Arbitraries.integers().between(-1, 8),
                Arbitraries.integers().between(0, 40), Arbitraries.integers().between(0, 300),
                Fuzz.bytes(12)).as(RtpHeaderFuzzTest::packet);
        Arbitrary<byte[]> mutated = net.jqwik.api.Combinators.combine(valid, Fuzz.mutations(4)).as(Fuzz::mutate);
        return Arbitraries.frequencyOf(Tuple.of(1, Fuzz.bytes(80)), Tuple.of(1, valid), Tuple.of(3, mutated));
    }

    /** A valid packet: {@code csrc} CSRCs, an extension of {@code extWords} words (-1: none), padding. */
    static byte[] packet(int csrc, int extWords, int padding, int payload, byte[] fixed) {
        int header = 12 + 4 * csrc + (extWords < 0 ? 0 : 4 + 4 * extWords);
        byte[] b = new byte[header + payload + padding];
        System.arraycopy(fixed, 0, b, 0, Math.min(12, fixed.length));
        b[0] = (byte) (0x80 | (padding > 0 ? 0x20 : 0) | (extWords >= 0 ? 0x10 : 0) | csrc);
        if (extWords >= 0) {
            int at = 12 + 4 * csrc;
            b[at + 2] = (byte) (extWords >>> 8);
            b[at + 3] = (byte) extWords;
        }
        if (padding > 0) {
            b[b.length - 1] = (byte) padding;
        }
        return b;
    }

    /** Every accessor of a datagram that {@link RtpHeader#check} took. */
    static List<Object> read(byte[] b, int off, int len) {
        RtpHeader.Problem problem = RtpHeader.check(b, off, len);
        if (problem != RtpHeader.Problem.NONE) {
            return List.of(problem);
        }
        return List.of(problem, RtpHeader.version(b, off), RtpHeader.hasPadding(b, off), RtpHeader.hasExtension(b, off),
                RtpHeader.csrcCount(b, off), RtpHeader.marker(b, off), RtpHeader.payloadType(b, off),
                RtpHeader.sequenceNumber(b, off), RtpHeader.timestamp(b, off), RtpHeader.ssrc(b, off),
                RtpHeader.headerLength(b, off, len), RtpHeader.payloadOffset(b, off, len),
                RtpHeader.payloadLength(b, off, len));
    }

    @Property(tries = 3000)
    @Label("check never throws; a checked packet's header and payload lie inside the datagram")
    void anyDatagram(@ForAll("datagrams") byte[] datagram) {
        List<Object> fields = Fuzz.run(() -> read(datagram, 0, datagram.length)).allowing().value();

        if (fields.get(0) == RtpHeader.Problem.NONE) {
            int payloadOffset = (int) fields.get(11);
            int payloadLength = (int) fields.get(12);
            assertThat(payloadOffset).isBetween(RtpHeader.FIXED_LENGTH, datagram.length);
            assertThat(payloadLength).isBetween(0, datagram.length - payloadOffset);
            assertThat((long) fields.get(8)).isBetween(0L, 0xFFFF_FFFFL);
            assertThat((long) fields.get(9)).isBetween(0L, 0xFFFF_FFFFL);
        }
    }

    @Property(tries = 3000)
    @Label("a datagram inside a larger buffer reads the same: nothing outside [off, off+len) is looked at")
    void readsOnlyItsOwnBytes(@ForAll("datagrams") byte[] datagram, @ForAll @IntRange(max = 64) int before,
                              @ForAll @IntRange(max = 64) int after, @ForAll byte fill) {
        byte[] big = new byte[before + datagram.length + after];
        Arrays.fill(big, fill);
        System.arraycopy(datagram, 0, big, before, datagram.length);

        assertThat(read(big, before, datagram.length)).isEqualTo(read(datagram, 0, datagram.length));
    }

    @Property(tries = 2000)
    @Label("writeFixed then the accessors give the fields back")
    void writeRead(@ForAll boolean marker, @ForAll @IntRange(max = 127) int pt, @ForAll @IntRange(max = 65535) int seq,
                   @ForAll @LongRange(max = 0xFFFF_FFFFL) long ts, @ForAll @LongRange(max = 0xFFFF_FFFFL) long ssrc,
                   @ForAll @IntRange(max = 200) int payload) {
        byte[] b = new byte[12 + payload];

        RtpHeader.writeFixed(b, 0, marker, pt, seq, ts, ssrc);

        assertThat(read(b, 0, b.length)).isEqualTo(List.of(RtpHeader.Problem.NONE, 2, false, false, 0, marker, pt, seq,
                ts, ssrc, 12, 12, payload));
    }
}
