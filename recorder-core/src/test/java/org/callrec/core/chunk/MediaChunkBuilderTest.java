package org.callrec.core.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** MEDIA records: the builder that batches datagrams and the reader that gives them back. */
class MediaChunkBuilderTest {

    /** Layout from the MediaChunkBuilder Javadoc: preamble 4 + chunk index 4 + first arrival 8 + count 4. */
    private static final int CHUNK_HEADER = 4 + 4 + 8 + 4;
    /** Per packet: int32 relative arrival + uint16 length. */
    private static final int PACKET_HEADER = 4 + 2;

    private static final long T0 = 1_718_000_000_000_000L; // epoch microseconds

    private record Received(long arrivalMicros, byte[] datagram) {
    }

    private static byte[] datagram(int length, int fill) {
        byte[] d = new byte[length];
        for (int i = 0; i < length; i++) {
            d[i] = (byte) (fill + i);
        }
        return d;
    }

    private static List<Received> read(MediaChunk chunk) {
        List<Received> out = new ArrayList<>();
        chunk.forEach((arrival, buf, off, len) -> out.add(new Received(arrival, Arrays.copyOfRange(buf, off, off + len))));
        return out;
    }

    @Test
    @DisplayName("drain() yields a MEDIA record whose forEach gives back each datagram, byte for byte, with its arrival time")
    void drainThenReadBack() {
        MediaChunkBuilder builder = new MediaChunkBuilder(64 * 1024);
        byte[] a = datagram(172, 1);
        byte[] b = datagram(12, 50);
        byte[] c = datagram(1500, 99);
        builder.append(T0, a, 0, a.length);
        builder.append(T0 + 20_000, b, 0, b.length);
        // the source may be a slice of a larger network buffer
        byte[] big = new byte[2000];
        System.arraycopy(c, 0, big, 300, c.length);
        builder.append(T0 + 40_123, big, 300, c.length);

        byte[] value = builder.drain(7);

        assertThat(ChunkCodec.typeOf(value)).isEqualTo(RecordType.MEDIA);
        MediaChunk chunk = MediaChunk.parse(value);
        assertThat(chunk.chunkIndex()).isEqualTo(7);
        assertThat(chunk.packetCount()).isEqualTo(3);
        assertThat(chunk.firstArrivalMicros()).isEqualTo(T0);
        List<Received> back = read(chunk);
        assertThat(back).extracting(Received::arrivalMicros).containsExactly(T0, T0 + 20_000, T0 + 40_123);
        assertThat(back).extracting(Received::datagram).containsExactly(a, b, c);
    }

    @Test
    @DisplayName("the record is exactly header + per-packet (6 bytes + datagram), in the documented big-endian layout")
    void documentedLayout() {
        MediaChunkBuilder builder = new MediaChunkBuilder(4096);
        builder.append(T0 + 5, datagram(3, 0xA0), 0, 3);
        builder.append(T0 + 5 + 0x01020304, datagram(2, 0xB0), 0, 2);

        byte[] value = builder.drain(0x0A0B0C0D);

        assertThat(value).hasSize(CHUNK_HEADER + 2 * PACKET_HEADER + 3 + 2);
        ByteBuffer b = ByteBuffer.wrap(value);
        assertThat(new byte[] {b.get(), b.get(), b.get(), b.get()}).containsExactly('C', 'R', 1, 2);
        assertThat(b.getInt()).isEqualTo(0x0A0B0C0D);
        assertThat(b.getLong()).isEqualTo(T0 + 5);
        assertThat(b.getInt()).isEqualTo(2);
        // first packet: relative arrival 0, length 3, bytes
        assertThat(b.getInt()).isZero();
        assertThat(b.getShort()).isEqualTo((short) 3);
        assertThat(new byte[] {b.get(), b.get(), b.get()}).containsExactly(0xA0, 0xA1, 0xA2);
        // second packet: relative arrival in microseconds
        assertThat(b.getInt()).isEqualTo(0x01020304);
        assertThat(b.getShort()).isEqualTo((short) 2);
        assertThat(new byte[] {b.get(), b.get()}).containsExactly(0xB0, 0xB1);
        assertThat(b.hasRemaining()).isFalse();
    }

    @Test
    @DisplayName("fits() is true exactly while header, per-packet overhead and datagrams stay within the capacity")
    void fitsAtTheBoundary() {
        int capacity = 4000;
        MediaChunkBuilder builder = new MediaChunkBuilder(capacity);
        int used = CHUNK_HEADER;
        for (int i = 0; i < 10; i++) {
            builder.append(T0 + i, datagram(172, i), 0, 172);
            used += PACKET_HEADER + 172;
        }
        int room = capacity - used - PACKET_HEADER;

        // a datagram that fills the chunk to the last byte fits; one byte more does not
        assertThat(builder.fits(room)).isTrue();
        assertThat(builder.fits(room + 1)).isFalse();
        builder.append(T0 + 99, datagram(room, 0), 0, room);
        assertThat(builder.fits(0)).isFalse();
        assertThat(builder.drain(0)).hasSize(capacity);
    }

    @Test
    @DisplayName("a builder always has room for one maximal Ethernet datagram, whatever capacity was asked for")
    void minimumCapacity() {
        MediaChunkBuilder builder = new MediaChunkBuilder(1);

        assertThat(builder.fits(1500)).isTrue();
    }

    @Test
    @DisplayName("reserve() hands out the offset where the datagram's bytes go, so a network buffer can copy straight in")
    void reserveThenWriteInPlace() {
        MediaChunkBuilder builder = new MediaChunkBuilder(4096);
        byte[] d1 = datagram(160, 7);
        byte[] d2 = datagram(33, 70);

        int at1 = builder.reserve(T0, d1.length);
        System.arraycopy(d1, 0, builder.array(), at1, d1.length);
        int at2 = builder.reserve(T0 + 1, d2.length);
        System.arraycopy(d2, 0, builder.array(), at2, d2.length);

        assertThat(at2).isEqualTo(at1 + d1.length + PACKET_HEADER);
        assertThat(builder.packetCount()).isEqualTo(2);
        assertThat(read(MediaChunk.parse(builder.drain(0)))).extracting(Received::datagram).containsExactly(d1, d2);
    }

    @Test
    @DisplayName("after drain() the builder starts the next chunk empty: new index, new first arrival, count from zero")
    void reusableForNextChunk() {
        MediaChunkBuilder builder = new MediaChunkBuilder(4096);
        builder.append(T0, datagram(100, 1), 0, 100);
        builder.append(T0 + 20_000, datagram(100, 2), 0, 100);
        byte[] first = builder.drain(0);
        byte[] firstCopy = first.clone();

        assertThat(builder.packetCount()).isZero();
        byte[] next = datagram(50, 3);
        builder.append(T0 + 1_000_000, next, 0, next.length);
        byte[] second = builder.drain(1);

        MediaChunk chunk = MediaChunk.parse(second);
        assertThat(chunk.chunkIndex()).isEqualTo(1);
        assertThat(chunk.packetCount()).isEqualTo(1);
        assertThat(chunk.firstArrivalMicros()).isEqualTo(T0 + 1_000_000);
        assertThat(read(chunk)).singleElement().satisfies(r -> {
            assertThat(r.arrivalMicros()).isEqualTo(T0 + 1_000_000);
            assertThat(r.datagram()).isEqualTo(next);
        });
        assertThat(second).hasSize(CHUNK_HEADER + PACKET_HEADER + 50);
        // the first record is a copy: reusing the buffer did not change it
        assertThat(first).isEqualTo(firstCopy);
        assertThat(MediaChunk.parse(first).packetCount()).isEqualTo(2);
    }

    @Test
    @DisplayName("an arrival earlier than the chunk's first (clock stepped back) is stored as the first arrival, never negative")
    void arrivalBeforeFirstClampedToZero() {
        MediaChunkBuilder builder = new MediaChunkBuilder(4096);
        builder.append(T0, datagram(10, 0), 0, 10);
        builder.append(T0 - 500, datagram(10, 0), 0, 10);

        assertThat(read(MediaChunk.parse(builder.drain(0)))).extracting(Received::arrivalMicros).containsExactly(T0, T0);
    }

    @Test
    @DisplayName("forEach stops at a truncated entry instead of reading past the value")
    void truncatedEntry() {
        MediaChunkBuilder builder = new MediaChunkBuilder(4096);
        builder.append(T0, datagram(100, 1), 0, 100);
        builder.append(T0 + 1, datagram(100, 2), 0, 100);
        byte[] value = builder.drain(0);
        byte[] cut = Arrays.copyOf(value, value.length - 1);

        assertThat(read(MediaChunk.parse(cut))).hasSize(1);
    }

    @Test
    @DisplayName("MediaChunk.parse refuses START/END records and values shorter than the chunk header")
    void parseRefusesOtherRecords() {
        byte[] end = ChunkCodec.encodeEnd(new RecordingEnded("r", "x", 0, 0, java.util.Map.of(), 0, java.util.Map.of()));

        assertThatThrownBy(() -> MediaChunk.parse(end)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MediaChunk.parse(new byte[] {'C', 'R', 1, 2, 0, 0})).isInstanceOf(IllegalArgumentException.class);
    }
}
