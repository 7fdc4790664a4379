package org.callrec.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.statistics.Statistics;

import org.callrec.core.audio.AudioCodec;
import org.callrec.core.chunk.ChunkCodec;
import org.callrec.core.chunk.MediaChunk;
import org.callrec.core.chunk.MediaChunkBuilder;
import org.callrec.core.chunk.RecordingAlive;
import org.callrec.core.chunk.RecordingEnded;
import org.callrec.core.chunk.RecordingStarted;

/**
 * Fuzzes the media-topic record format: records round-trip, and any value read from the topic
 * (random, or a valid record mutated) decodes or fails with {@link IllegalArgumentException},
 * allocating in proportion to its length.
 */
@Label("Fuzz: chunk codec")
@AddLifecycleHook(FuzzDepth.class)
class ChunkCodecFuzzTest {

    private static Arbitrary<Map<String, String>> strings() {
        return Arbitraries.maps(Fuzz.text(12), Fuzz.text(30)).ofMaxSize(6);
    }

    @Provide
    Arbitrary<RecordingStarted> starts() {
        return Combinators.combine(List.<Arbitrary<Object>>of(Fuzz.text(30).asGeneric(), Fuzz.text(10).asGeneric(),
                        Fuzz.text(20).asGeneric(), Fuzz.text(17).asGeneric(), Arbitraries.of(AudioCodec.class).asGeneric(),
                        Fuzz.text(3).asGeneric(), Fuzz.text(39).asGeneric(), Fuzz.text(10).asGeneric(),
                        Arbitraries.integers().asGeneric(), Arbitraries.longs().asGeneric(), strings().asGeneric()))
                .as(v -> new RecordingStarted((String) v.get(0), (String) v.get(1), (String) v.get(2), (String) v.get(3),
                        (AudioCodec) v.get(4), (String) v.get(5), (String) v.get(6), (String) v.get(7), (Integer) v.get(8),
                        (Long) v.get(9), castMap(v.get(10))));
    }

    @Provide
    Arbitrary<RecordingEnded> ends() {
        return Combinators.combine(List.<Arbitrary<Object>>of(Fuzz.text(30).asGeneric(), Fuzz.text(20).asGeneric(),
                        Arbitraries.longs().asGeneric(), Arbitraries.longs().asGeneric(),
                        Arbitraries.maps(Fuzz.text(15), Arbitraries.longs()).ofMaxSize(6).asGeneric(),
                        Arbitraries.longs().asGeneric(), strings().asGeneric()))
                .as(v -> new RecordingEnded((String) v.get(0), (String) v.get(1), (Long) v.get(2), (Long) v.get(3),
                        castMap(v.get(4)), (Long) v.get(5), castMap(v.get(6))));
    }

    @Provide
    Arbitrary<RecordingAlive> alives() {
        return Combinators.combine(Fuzz.text(30), Fuzz.text(10), Arbitraries.longs()).as(RecordingAlive::new);
    }

    @SuppressWarnings("unchecked")
    private static <K, V> Map<K, V> castMap(Object o) {
        return (Map<K, V>) o;
    }

    /** One datagram of a MEDIA chunk: when it arrived after the chunk's first, and its bytes. */
    record Datagram(int relMicros, byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Datagram d && d.relMicros == relMicros && Arrays.equals(d.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return 31 * relMicros + Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "+" + relMicros + "us " + bytes.length + " bytes";
        }
    }

    @Provide
    Arbitrary<List<Datagram>> datagrams() {
        Arbitrary<Integer> rel = Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.integers().between(0, 10_000_000)),
                Tuple.of(1, Arbitraries.integers().between(0, Integer.MAX_VALUE)));
        Arbitrary<byte[]> bytes = Arbitraries.frequencyOf(Tuple.of(8, Fuzz.bytes(200)), Tuple.of(1, Fuzz.bytes(1500)));
        return Combinators.combine(rel, bytes).as(Datagram::new).list().ofMaxSize(30);
    }

    /** Valid records of every type, the raw material of the mutations. */
    @Provide
    Arbitrary<byte[]> records() {
        Arbitrary<byte[]> media = datagrams().map(ds -> {
            MediaChunkBuilder b = new MediaChunkBuilder(8 * 1024);
            for (Datagram d : ds) {
                if (b.fits(d.bytes().length)) {
                    b.append(1_700_000_000_000_000L + d.relMicros(), d.bytes(), 0, d.bytes().length);
                }
            }
            return b.drain(7);
        });
        return Arbitraries.oneOf(starts().map(ChunkCodec::encodeStart), ends().map(ChunkCodec::encodeEnd),
                alives().map(ChunkCodec::encodeAlive), media);
    }

    @Provide
    Arbitrary<byte[]> values() {
        Arbitrary<byte[]> preamble = Fuzz.bytes(200).map(b -> {
            byte[] v = Arrays.copyOf(b, Math.max(4, b.length));
            v[0] = 'C';
            v[1] = 'R';
            v[2] = 1;
            v[3] = (byte) (1 + Math.floorMod(v[3], 4));
            return v;
        });
        Arbitrary<byte[]> mutated = Combinators.combine(records(), Fuzz.mutations(3)).as(Fuzz::mutate);
        return Arbitraries.frequencyOf(Tuple.of(1, Fuzz.bytes(100)), Tuple.of(2, preamble), Tuple.of(5, mutated));
    }

    @Property(tries = 1000)
    @Label("START, END and ALIVE records round-trip")
    void roundTrip(@ForAll("starts") RecordingStarted start, @ForAll("ends") RecordingEnded end,
                   @ForAll("alives") RecordingAlive alive) {
        assertThat(ChunkCodec.decodeStart(ChunkCodec.encodeStart(start))).isEqualTo(start);
        assertThat(ChunkCodec.decodeEnd(ChunkCodec.encodeEnd(end))).isEqualTo(end);
        assertThat(ChunkCodec.decodeAlive(ChunkCodec.encodeAlive(alive))).isEqualTo(alive);
    }

    @Property(tries = 1000)
    @Label("a MEDIA chunk gives back every datagram appended, with its arrival time")
    void mediaRoundTrip(@ForAll("datagrams") List<Datagram> datagrams, @ForAll @IntRange(min = 1, max = 16 * 1024) int capacity,
                        @ForAll int index) {
        long origin = 1_700_000_000_000_000L;
        MediaChunkBuilder builder = new MediaChunkBuilder(capacity);
        List<Datagram> appended = new ArrayList<>();
        for (Datagram d : datagrams) {
            if (builder.fits(d.bytes().length)) {
                builder.append(origin + d.relMicros(), d.bytes(), 0, d.bytes().length);
                appended.add(d);
            }
        }

        MediaChunk chunk = MediaChunk.parse(builder.drain(index));

        List<Datagram> back = new ArrayList<>();
        chunk.forEach((at, buf, off, len) -> back.add(new Datagram((int) (at - origin), Arrays.copyOfRange(buf, off, off + len))));
        // times are kept relative to the chunk's first datagram; one that arrived before it is put at its time
        int first = appended.isEmpty() ? 0 : appended.get(0).relMicros();
        List<Datagram> expected = appended.stream()
                .map(d -> new Datagram(Math.max(first, d.relMicros()), d.bytes())).toList();
        assertThat(chunk.chunkIndex()).isEqualTo(index);
        assertThat(chunk.packetCount()).isEqualTo(appended.size());
        assertThat(back).isEqualTo(expected);
    }

    @Property(tries = 3000)
    @Label("any value decodes or throws IllegalArgumentException, allocating in proportion to its length")
    void anyValue(@ForAll("values") byte[] value) {
        List<Fuzz.Outcome<?>> runs = List.of(
                Fuzz.run(() -> ChunkCodec.typeOf(value)),
                Fuzz.run(() -> ChunkCodec.decodeStart(value)),
                Fuzz.run(() -> ChunkCodec.decodeEnd(value)),
                Fuzz.run(() -> ChunkCodec.decodeAlive(value)),
                Fuzz.run(() -> {
                    MediaChunk chunk = MediaChunk.parse(value);
                    long[] seen = new long[2];
                    chunk.forEach((at, buf, off, len) -> {
                        assertThat(off).isGreaterThanOrEqualTo(0);
                        assertThat(off + len).isLessThanOrEqualTo(buf.length);
                        seen[0]++;
                        seen[1] += len;
                    });
                    // each datagram takes its 6-byte entry header and its bytes in the value
                    assertThat(6 * seen[0] + seen[1]).isLessThanOrEqualTo(value.length);
                    return chunk;
                }));
        Statistics.collect(runs.stream().filter(r -> r.thrown() == null).count() + " of 5 decoders took it");
        for (Fuzz.Outcome<?> run : runs) {
            run.allowing(IllegalArgumentException.class);
            assertThat(run.allocatedBytes()).isLessThanOrEqualTo(100L * value.length + Fuzz.SLACK_BYTES);
        }
    }
}
