package org.callrec.core.chunk;

import java.nio.ByteBuffer;

/** Read side of a MEDIA record (layout in {@link MediaChunkBuilder}); iterates without copying. */
public final class MediaChunk {

    /** Receives each datagram of a chunk. */
    @FunctionalInterface
    public interface PacketVisitor {
        /** The datagram occupies {@code buf[off, off+len)}; valid only during the call. */
        void packet(long arrivalMicros, byte[] buf, int off, int len);
    }

    private final byte[] value;
    private final int chunkIndex;
    private final long firstArrivalMicros;
    private final int packetCount;

    private MediaChunk(byte[] value) {
        this.value = value;
        ByteBuffer b = ByteBuffer.wrap(value);
        this.chunkIndex = b.getInt(ChunkCodec.PREAMBLE);
        this.firstArrivalMicros = b.getLong(ChunkCodec.PREAMBLE + 4);
        this.packetCount = b.getInt(ChunkCodec.PREAMBLE + 12);
    }

    /** Wraps a MEDIA record value. */
    public static MediaChunk parse(byte[] value) {
        ChunkCodec.expect(value, RecordType.MEDIA);
        if (value.length < MediaChunkBuilder.HEADER) {
            throw new IllegalArgumentException("truncated media chunk");
        }
        return new MediaChunk(value);
    }

    public int chunkIndex() {
        return chunkIndex;
    }

    public int packetCount() {
        return packetCount;
    }

    public long firstArrivalMicros() {
        return firstArrivalMicros;
    }

    /** Visits every datagram in arrival order; stops at a truncated entry. */
    public void forEach(PacketVisitor visitor) {
        int pos = MediaChunkBuilder.HEADER;
        for (int i = 0; i < packetCount && pos + MediaChunkBuilder.PER_PACKET <= value.length; i++) {
            int rel = ((value[pos] & 0xFF) << 24) | ((value[pos + 1] & 0xFF) << 16)
                    | ((value[pos + 2] & 0xFF) << 8) | (value[pos + 3] & 0xFF);
            int len = ((value[pos + 4] & 0xFF) << 8) | (value[pos + 5] & 0xFF);
            int at = pos + MediaChunkBuilder.PER_PACKET;
            if (at + len > value.length) {
                return;
            }
            visitor.packet(firstArrivalMicros + rel, value, at, len);
            pos = at + len;
        }
    }
}
