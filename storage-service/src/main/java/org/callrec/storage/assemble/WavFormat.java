package org.callrec.storage.assemble;

import org.callrec.core.audio.WavHeader;

/**
 * The format of a stored WAV file (mono).
 *
 * @param name          format name in the metadata: {@code pcm_s16le}, {@code pcm_alaw}, {@code pcm_mulaw}
 * @param formatTag     WAVE format tag: 1, 6 or 7
 * @param sampleRate    samples per second
 * @param bitsPerSample 16 or 8
 */
public record WavFormat(String name, int formatTag, int sampleRate, int bitsPerSample) {

    /** G.711 A-law, 8 kHz, as sent. */
    public static final WavFormat ALAW = new WavFormat("pcm_alaw", WavHeader.FORMAT_ALAW, 8000, 8);
    /** G.711 µ-law, 8 kHz, as sent. */
    public static final WavFormat MULAW = new WavFormat("pcm_mulaw", WavHeader.FORMAT_MULAW, 8000, 8);

    /** 16-bit little-endian PCM. */
    public static WavFormat pcm16(int sampleRate) {
        return new WavFormat("pcm_s16le", WavHeader.FORMAT_PCM, sampleRate, 16);
    }

    /** Bytes per sample frame. */
    public int blockAlign() {
        return bitsPerSample / 8;
    }

    /** Bytes per second of audio. */
    public long byteRate() {
        return (long) sampleRate * blockAlign();
    }

    /** The 44-byte header of a file with {@code dataBytes} of audio. */
    public byte[] header(long dataBytes) {
        return WavHeader.build(formatTag, 1, sampleRate, bitsPerSample, dataBytes);
    }

    /** Seconds of audio in {@code dataBytes}. */
    public double seconds(long dataBytes) {
        return (double) (dataBytes / blockAlign()) / sampleRate;
    }
}
