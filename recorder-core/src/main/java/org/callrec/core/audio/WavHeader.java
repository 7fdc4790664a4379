package org.callrec.core.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The 44-byte canonical RIFF/WAVE header (one {@code fmt } chunk, one {@code data} chunk).
 * A RIFF size field is 32 bits: a data chunk may hold at most {@link #MAX_DATA_BYTES} bytes.
 */
public final class WavHeader {

    /** Header length in bytes. */
    public static final int LENGTH = 44;
    /** WAVE_FORMAT_PCM. */
    public static final int FORMAT_PCM = 1;
    /** WAVE_FORMAT_ALAW. */
    public static final int FORMAT_ALAW = 6;
    /** WAVE_FORMAT_MULAW. */
    public static final int FORMAT_MULAW = 7;
    /** Largest data chunk a RIFF file can describe (4 GiB minus the header's own 36 bytes). */
    public static final long MAX_DATA_BYTES = 0xFFFF_FFFFL - 36;

    private WavHeader() {
    }

    /**
     * Builds the header.
     *
     * @param formatTag     {@link #FORMAT_PCM}, {@link #FORMAT_ALAW} or {@link #FORMAT_MULAW}
     * @param channels      1 for a phone's mixed stream
     * @param sampleRate    samples per second
     * @param bitsPerSample 16 for PCM, 8 for G.711
     * @param dataBytes     length of the data chunk
     */
    public static byte[] build(int formatTag, int channels, int sampleRate, int bitsPerSample, long dataBytes) {
        if (dataBytes < 0 || dataBytes > MAX_DATA_BYTES) {
            throw new IllegalArgumentException("data chunk of " + dataBytes + " bytes does not fit a RIFF file");
        }
        int blockAlign = channels * bitsPerSample / 8;
        ByteBuffer b = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'R').put((byte) 'I').put((byte) 'F').put((byte) 'F');
        b.putInt((int) (36 + dataBytes));
        b.put((byte) 'W').put((byte) 'A').put((byte) 'V').put((byte) 'E');
        b.put((byte) 'f').put((byte) 'm').put((byte) 't').put((byte) ' ');
        b.putInt(16);
        b.putShort((short) formatTag);
        b.putShort((short) channels);
        b.putInt(sampleRate);
        b.putInt(sampleRate * blockAlign);
        b.putShort((short) blockAlign);
        b.putShort((short) bitsPerSample);
        b.put((byte) 'd').put((byte) 'a').put((byte) 't').put((byte) 'a');
        b.putInt((int) dataBytes);
        return b.array();
    }

    /** Header of a 16-bit mono PCM file. */
    public static byte[] pcm16Mono(int sampleRate, long dataBytes) {
        return build(FORMAT_PCM, 1, sampleRate, 16, dataBytes);
    }
}
