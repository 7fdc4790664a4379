package org.callrec.core.chunk;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Accumulates received RTP packets into one MEDIA record, in a byte array allocated once and
 * reused for every chunk of a recording: appending a packet allocates nothing.
 *
 * <pre>
 *  preamble (4 bytes, see ChunkCodec)
 *  int32  chunk index (0, 1, 2 … within the recording)
 *  int64  arrival time of the first packet, epoch microseconds
 *  int32  packet count
 *  then per packet:
 *    int32  arrival time minus the first packet's, microseconds
 *    uint16 datagram length
 *    bytes  the datagram, RTP header included, exactly as received
 * </pre>
 *
 * Not thread-safe: one builder per recording, used by one thread at a time.
 */
public final class MediaChunkBuilder {

    static final int HEADER = ChunkCodec.PREAMBLE + 4 + 8 + 4;
    static final int PER_PACKET = 4 + 2;

    private final byte[] buf;
    private int pos = HEADER;
    private int count;
    private long firstArrivalMicros;

    /**
     * @param capacityBytes    the largest chunk, headers included
     * @param maxDatagramBytes the largest datagram that will be appended: the chunk always has
     *                         room for at least one
     */
    public MediaChunkBuilder(int capacityBytes, int maxDatagramBytes) {
        this.buf = new byte[Math.max(capacityBytes, HEADER + PER_PACKET + maxDatagramBytes)];
    }

    /** A builder sized for datagrams of up to 1500 bytes (an Ethernet MTU). */
    public MediaChunkBuilder(int capacityBytes) {
        this(capacityBytes, 1500);
    }

    /** Room for one more datagram of {@code length} bytes? */
    public boolean fits(int length) {
        return pos + PER_PACKET + length <= buf.length;
    }

    /**
     * Appends a datagram; the caller checked {@link #fits}. Returns the offset in
     * {@link #array()} where the datagram's bytes must be written (so a network buffer can copy
     * straight in without an intermediate array).
     */
    public int reserve(long arrivalMicros, int length) {
        if (count == 0) {
            firstArrivalMicros = arrivalMicros;
        }
        int rel = (int) Math.min(Integer.MAX_VALUE, Math.max(0, arrivalMicros - firstArrivalMicros));
        buf[pos] = (byte) (rel >>> 24);
        buf[pos + 1] = (byte) (rel >>> 16);
        buf[pos + 2] = (byte) (rel >>> 8);
        buf[pos + 3] = (byte) rel;
        buf[pos + 4] = (byte) (length >>> 8);
        buf[pos + 5] = (byte) length;
        int at = pos + PER_PACKET;
        pos = at + length;
        count++;
        return at;
    }

    /** Appends a datagram copied from {@code src}. */
    public void append(long arrivalMicros, byte[] src, int off, int length) {
        int at = reserve(arrivalMicros, length);
        System.arraycopy(src, off, buf, at, length);
    }

    /** The backing array, for {@link #reserve}. */
    public byte[] array() {
        return buf;
    }

    /** Packets in the current chunk. */
    public int packetCount() {
        return count;
    }

    /** Arrival time of the current chunk's first packet, epoch microseconds. */
    public long firstArrivalMicros() {
        return firstArrivalMicros;
    }

    /** Copies the current chunk out as a record value and starts an empty one. */
    public byte[] drain(int chunkIndex) {
        ChunkCodec.writePreamble(buf, RecordType.MEDIA);
        ByteBuffer.wrap(buf).putInt(ChunkCodec.PREAMBLE, chunkIndex)
                .putLong(ChunkCodec.PREAMBLE + 4, firstArrivalMicros)
                .putInt(ChunkCodec.PREAMBLE + 12, count);
        byte[] out = Arrays.copyOf(buf, pos);
        pos = HEADER;
        count = 0;
        return out;
    }
}
