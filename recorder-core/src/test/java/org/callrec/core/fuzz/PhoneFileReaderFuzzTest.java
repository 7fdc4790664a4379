package org.callrec.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.statistics.Statistics;

import org.callrec.core.phonefile.PhoneFileConverter;
import org.callrec.core.phonefile.PhoneFileException;
import org.callrec.core.phonefile.PhoneFileLayout;
import org.callrec.core.phonefile.PhoneFileLayout.Framing;
import org.callrec.core.phonefile.PhoneFileReader;
import org.callrec.core.phonefile.PhoneFileWriter;

/**
 * Fuzzes the phone recording reader (and the converter on top of it) with random files, files
 * with a plausible header over random data, and valid files of every layout mutated: the only
 * failure is a {@link PhoneFileException}, memory stays within the reader's bound (one probe of
 * 16 units plus one unit) whatever size the header announces, and what the writer wrote reads
 * back.
 */
@Label("Fuzz: phone file reader")
@AddLifecycleHook(FuzzDepth.class)
class PhoneFileReaderFuzzTest {

    private static final List<String> CODECS = List.of("PCMA", "PCMU", "G722", "pcma", "G.722", "OPUS", "");

    /** A valid file's ingredients. */
    record Spec(String codec, PhoneFileLayout layout, int payloadLength, int increment, int units, byte[] payload) {
    }

    @Provide
    Arbitrary<Spec> specs() {
        Arbitrary<PhoneFileLayout> layout = Combinators.combine(Arbitraries.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN),
                Arbitraries.of(Framing.class)).as(PhoneFileLayout::new);
        Arbitrary<Integer> payloadLength = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of(160, 80, 240)),
                Tuple.of(1, Arbitraries.integers().between(1, 400)));
        return Combinators.combine(Arbitraries.of("PCMA", "PCMU", "G722"), layout, payloadLength,
                        Arbitraries.integers().between(0, 40), Arbitraries.longs())
                .as((codec, l, p, units, seed) -> {
                    byte[] payload = new byte[p * units];
                    new java.util.Random(seed).nextBytes(payload);
                    return new Spec(codec, l, p, p, units, payload);
                });
    }

    static byte[] write(Spec s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PhoneFileWriter w = new PhoneFileWriter(out, s.codec(), s.layout(), s.payloadLength(), s.increment(), s.units())) {
            for (int i = 0; i < s.units(); i++) {
                w.writeUnit(s.payload(), i * s.payloadLength());
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }

    /** A 76-byte header of plausible fields (either byte order, dataSize anything up to 4 GiB) over random data. */
    @Provide
    Arbitrary<byte[]> plausibleHeaders() {
        return Combinators.combine(Arbitraries.of(CODECS), Arbitraries.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN),
                        Arbitraries.integers().between(0, 70_000), Arbitraries.integers().between(0, 70_000),
                        Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.longs().between(0, 4000)),
                                Tuple.of(1, Arbitraries.longs().between(0, 0xFFFF_FFFFL))),
                        Fuzz.bytes(4000))
                .as((codec, order, rtpLen, increment, dataSize, data) -> {
                    ByteBuffer b = ByteBuffer.allocate(76 + data.length).order(order);
                    b.put(codec.getBytes(StandardCharsets.US_ASCII)).position(64);
                    b.putInt(rtpLen).putInt(increment).putInt((int) (long) dataSize).put(data);
                    return b.array();
                });
    }

    @Provide
    Arbitrary<byte[]> files() {
        Arbitrary<byte[]> valid = specs().map(PhoneFileReaderFuzzTest::write);
        Arbitrary<byte[]> mutated = Combinators.combine(valid, Fuzz.mutations(3)).as(Fuzz::mutate);
        return Arbitraries.frequencyOf(Tuple.of(1, Fuzz.bytes(300)), Tuple.of(2, plausibleHeaders()), Tuple.of(1, valid),
                Tuple.of(4, mutated));
    }

    /** Opens and reads every unit, as the tools do; returns the payload bytes read. */
    static long readAll(byte[] file) throws IOException {
        try (PhoneFileReader r = PhoneFileReader.open(new ByteArrayInputStream(file))) {
            byte[] payload = new byte[r.payloadLength()];
            long total = 0;
            for (int n; (n = r.readPayload(payload, 0)) > 0; ) {
                total += n;
            }
            r.stats();
            r.duration();
            return total;
        }
    }

    @Property(tries = 3000)
    @Label("any file reads or fails with PhoneFileException, within a memory bound independent of what the header announces")
    void anyFile(@ForAll("files") byte[] file) {
        Fuzz.Outcome<Long> read = Fuzz.run(() -> readAll(file)).allowing(PhoneFileException.class);
        Fuzz.Outcome<PhoneFileConverter.Conversion> converted = Fuzz.run(() -> PhoneFileConverter.toWav(
                new ByteArrayInputStream(file), OutputStream.nullOutputStream())).allowing(PhoneFileException.class);

        Statistics.collect(read.thrown() == null ? "read" : "refused");
        if (read.value() != null) {
            assertThat(read.value()).isLessThanOrEqualTo(file.length);
        }
        // one probe of 16 units and one unit of at most 65,535 + 12 bytes, plus the reader's buffers
        long bound = 3L * 17 * (65_535 + 12) + 16L * file.length + Fuzz.SLACK_BYTES;
        assertThat(read.allocatedBytes()).isLessThanOrEqualTo(bound);
        assertThat(converted.allocatedBytes()).isLessThanOrEqualTo(bound + 64L * file.length);
        assertThat(converted.thrown() == null).isEqualTo(read.thrown() == null);
    }

    @Property(tries = 1000)
    @Label("what the writer wrote, in any layout, reads back: layout, units and payload")
    void writeRead(@ForAll("specs") Spec spec) throws Exception {
        // bare payload whose units begin like RTP headers can pass for RTP: the documented coincidence
        Assume.that(spec.layout().framing() != Framing.PAYLOAD || !looksLikeRtp(spec));
        byte[] file = write(spec);

        try (PhoneFileReader r = PhoneFileReader.open(new ByteArrayInputStream(file))) {
            byte[] back = new byte[spec.payload().length];
            int at = 0;
            for (int n; (n = r.readPayload(back, at)) > 0; ) {
                at += n;
            }
            assertThat(at).isEqualTo(back.length);
            assertThat(back).isEqualTo(spec.payload());
            assertThat(r.units()).isEqualTo(spec.units());
            assertThat(r.layout().byteOrder()).isEqualTo(spec.layout().byteOrder());
            if (spec.units() > 0) { // without a unit, nothing tells RTP framing from bare payload
                assertThat(r.layout().framing()).isEqualTo(spec.layout().framing());
            }
        }
    }

    private static boolean looksLikeRtp(Spec s) {
        for (int i = 0; i < s.units(); i++) {
            if ((s.payload()[i * s.payloadLength()] & 0xFF) == 0x80) {
                return true;
            }
        }
        return false;
    }

    @Property(tries = 1000)
    @Label("a header announcing up to 4 GiB over a short file is refused as truncated, without allocating for it")
    void hugeAnnouncedSize(@ForAll("specs") Spec spec, @ForAll @IntRange(min = 1, max = 1 << 20) int extraUnits) {
        Assume.that(spec.units() > 0);
        byte[] file = write(spec);
        int unitLength = spec.layout().framing().unitLength(spec.layout().framing().rtpLen(spec.payloadLength()));
        long announced = Math.min(0xFFFF_FFFFL / unitLength, (long) spec.units() + extraUnits) * unitLength;
        Assume.that(announced > file.length - 76);
        ByteBuffer.wrap(file).order(spec.layout().byteOrder()).putInt(72, (int) announced);

        Fuzz.Outcome<Long> read = Fuzz.run(() -> readAll(file)).allowing(PhoneFileException.class);

        assertThat(read.thrown()).isInstanceOf(PhoneFileException.class).hasMessageContaining("truncated");
        assertThat(read.allocatedBytes()).isLessThanOrEqualTo(3L * 17 * unitLength + 16L * file.length + Fuzz.SLACK_BYTES);
    }
}
