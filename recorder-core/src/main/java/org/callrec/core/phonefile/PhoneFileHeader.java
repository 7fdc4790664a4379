package org.callrec.core.phonefile;

import org.callrec.core.audio.AudioCodec;

/**
 * The 76-byte header of a phone recording, as read in the detected byte order.
 *
 * @param codecName the {@code codec[64]} field up to its first NUL, as the phone wrote it
 * @param codec     that name understood
 * @param rtpLen    the {@code rtpLen} field
 * @param increment the {@code increment} field: RTP timestamp units per data unit
 * @param dataSize  the {@code dataSize} field: bytes of data after the header (unsigned)
 */
public record PhoneFileHeader(String codecName, AudioCodec codec, int rtpLen, int increment, long dataSize) {

    /** Length of the {@code codec} field. */
    public static final int CODEC_FIELD_LENGTH = 64;
    /** Length of the whole header: codec[64], rtpLen, increment, dataSize. */
    public static final int LENGTH = CODEC_FIELD_LENGTH + 12;
}
