package org.callrec.core.phonefile;

import java.nio.ByteOrder;

/**
 * How a particular phone wrote its file: the byte order of the three integer header fields and
 * how a data unit is framed. The vendor's guide says neither; {@link PhoneFileReader} detects
 * both.
 *
 * @param byteOrder order of {@code rtpLen}, {@code increment}, {@code dataSize}
 * @param framing   what one data unit holds
 */
public record PhoneFileLayout(ByteOrder byteOrder, Framing framing) {

    /** Length of the RTP fixed header some phones keep in front of each unit's payload. */
    public static final int RTP_HEADER_LENGTH = 12;

    /** What one data unit holds, and what {@code rtpLen} counts. */
    public enum Framing {
        /** The unit is {@code rtpLen} bytes of codec payload, no RTP header. */
        PAYLOAD(false, false),
        /**
         * The unit is a whole RTP packet of {@code rtpLen} bytes: a 12-byte header, then
         * {@code rtpLen - 12} bytes of payload.
         */
        RTP_COUNTED(true, true),
        /**
         * The unit is a 12-byte RTP header followed by {@code rtpLen} bytes of payload
         * ({@code rtpLen} counts the payload only).
         */
        RTP_UNCOUNTED(true, false);

        private final boolean rtpHeader;
        private final boolean headerCounted;

        Framing(boolean rtpHeader, boolean headerCounted) {
            this.rtpHeader = rtpHeader;
            this.headerCounted = headerCounted;
        }

        /** Whether each unit starts with a 12-byte RTP header. */
        public boolean rtpHeader() {
            return rtpHeader;
        }

        /** Bytes of one unit in the file, for a header field {@code rtpLen}. */
        public int unitLength(int rtpLen) {
            return rtpHeader && !headerCounted ? rtpLen + RTP_HEADER_LENGTH : rtpLen;
        }

        /** Codec payload bytes of one unit, for a header field {@code rtpLen}. */
        public int payloadLength(int rtpLen) {
            return headerCounted ? rtpLen - RTP_HEADER_LENGTH : rtpLen;
        }

        /** The header field {@code rtpLen} that describes units of {@code payloadLength} bytes. */
        public int rtpLen(int payloadLength) {
            return headerCounted ? payloadLength + RTP_HEADER_LENGTH : payloadLength;
        }
    }

    /** {@code little-endian} or {@code big-endian}, as the docs and the metadata spell it. */
    public String byteOrderName() {
        return byteOrder == ByteOrder.LITTLE_ENDIAN ? "little-endian" : "big-endian";
    }
}
