package org.callrec.core.rtp;

/**
 * Offset accessors over an RTP packet held in a byte array; nothing is copied or allocated.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           synchronization source (SSRC) identifier            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |            contributing source (CSRC) identifiers             |
 * |                             ....                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      defined by profile       |           length              |  (if X)
 * |                        header extension                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  payload ...  [padding ... count]             |
 * </pre>
 * (RFC 3550 §5.1.) Call {@link #check} first; the other accessors assume a checked packet.
 * SSRC and timestamp are widened to {@code long} so they stay unsigned.
 */
public final class RtpHeader {

    /** Length of the fixed header. */
    public static final int FIXED_LENGTH = 12;

    private RtpHeader() {
    }

    /** Why a datagram is not a usable RTP packet. */
    public enum Problem {
        /** A well-formed RTP packet. */
        NONE,
        /** Shorter than the fixed header (or than its CSRC list/extension). */
        TOO_SHORT,
        /** Version field is not 2. */
        BAD_VERSION,
        /** Padding count larger than what follows the header. */
        BAD_PADDING
    }

    /** Validates version, lengths of CSRC list, header extension and padding. */
    public static Problem check(byte[] b, int off, int len) {
        if (len < FIXED_LENGTH) {
            return Problem.TOO_SHORT;
        }
        if (version(b, off) != 2) {
            return Problem.BAD_VERSION;
        }
        int headerLen = headerLength(b, off, len);
        if (headerLen < 0 || headerLen > len) {
            return Problem.TOO_SHORT;
        }
        if (hasPadding(b, off)) {
            int pad = b[off + len - 1] & 0xFF;
            if (pad == 0 || headerLen + pad > len) {
                return Problem.BAD_PADDING;
            }
        }
        return Problem.NONE;
    }

    public static int version(byte[] b, int off) {
        return (b[off] & 0xC0) >>> 6;
    }

    public static boolean hasPadding(byte[] b, int off) {
        return (b[off] & 0x20) != 0;
    }

    public static boolean hasExtension(byte[] b, int off) {
        return (b[off] & 0x10) != 0;
    }

    public static int csrcCount(byte[] b, int off) {
        return b[off] & 0x0F;
    }

    public static boolean marker(byte[] b, int off) {
        return (b[off + 1] & 0x80) != 0;
    }

    public static int payloadType(byte[] b, int off) {
        return b[off + 1] & 0x7F;
    }

    /** Sequence number, 0..65535. */
    public static int sequenceNumber(byte[] b, int off) {
        return ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    /** Timestamp, 0..2^32-1. */
    public static long timestamp(byte[] b, int off) {
        return readUint32(b, off + 4);
    }

    /** SSRC, 0..2^32-1. */
    public static long ssrc(byte[] b, int off) {
        return readUint32(b, off + 8);
    }

    /**
     * Length of fixed header + CSRC list + header extension, or -1 when the packet is too short
     * to hold the extension's own length field.
     */
    public static int headerLength(byte[] b, int off, int len) {
        int n = FIXED_LENGTH + 4 * csrcCount(b, off);
        if (hasExtension(b, off)) {
            if (n + 4 > len) {
                return -1;
            }
            int words = ((b[off + n + 2] & 0xFF) << 8) | (b[off + n + 3] & 0xFF);
            n += 4 + 4 * words;
        }
        return n;
    }

    /** Offset (relative to {@code off}) where the payload starts. */
    public static int payloadOffset(byte[] b, int off, int len) {
        return headerLength(b, off, len);
    }

    /** Payload length, padding excluded. */
    public static int payloadLength(byte[] b, int off, int len) {
        int pad = hasPadding(b, off) ? b[off + len - 1] & 0xFF : 0;
        return len - headerLength(b, off, len) - pad;
    }

    /** Writes a fixed 12-byte header (no CSRC, no extension, no padding) at {@code off}. */
    public static void writeFixed(byte[] b, int off, boolean marker, int payloadType, int seq, long timestamp, long ssrc) {
        b[off] = (byte) 0x80;
        b[off + 1] = (byte) ((marker ? 0x80 : 0) | (payloadType & 0x7F));
        b[off + 2] = (byte) (seq >>> 8);
        b[off + 3] = (byte) seq;
        writeUint32(b, off + 4, timestamp);
        writeUint32(b, off + 8, ssrc);
    }

    private static long readUint32(byte[] b, int at) {
        return ((long) (b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    private static void writeUint32(byte[] b, int at, long v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
