package org.callrec.core.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A parsed RIFF/WAVE file held in memory: format fields and the data chunk. Walks the chunk
 * list, so files with extra chunks ({@code LIST}, {@code fact}) parse too.
 */
public record WavFile(int formatTag, int channels, int sampleRate, int bitsPerSample, byte[] data) {

    /** Parses a whole file. */
    public static WavFile parse(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        if (file.length < 12 || !tag(file, 0, "RIFF") || !tag(file, 8, "WAVE")) {
            throw new IllegalArgumentException("not a RIFF/WAVE file");
        }
        long pos = 12;
        Integer formatTag = null;
        int channels = 0;
        int sampleRate = 0;
        int bits = 0;
        while (pos + 8 <= file.length) {
            int at = (int) pos;
            long size = b.getInt(at + 4) & 0xFFFF_FFFFL;
            int body = at + 8;
            if (tag(file, at, "fmt ")) {
                if (size < 16 || body + size > file.length) {
                    throw new IllegalArgumentException("truncated fmt chunk");
                }
                formatTag = b.getShort(body) & 0xFFFF;
                channels = b.getShort(body + 2) & 0xFFFF;
                sampleRate = b.getInt(body + 4);
                bits = b.getShort(body + 14) & 0xFFFF;
            } else if (tag(file, at, "data")) {
                if (formatTag == null) {
                    throw new IllegalArgumentException("data chunk before fmt chunk");
                }
                if (body + size > file.length) {
                    throw new IllegalArgumentException("data chunk says " + size + " bytes, file holds " + (file.length - body));
                }
                return new WavFile(formatTag, channels, sampleRate, bits, Arrays.copyOfRange(file, body, (int) (body + size)));
            }
            pos = body + size + (size & 1);
        }
        throw new IllegalArgumentException("no data chunk");
    }

    /** The data chunk as 16-bit little-endian samples (PCM files only). */
    public short[] samples() {
        if (formatTag != WavHeader.FORMAT_PCM || bitsPerSample != 16) {
            throw new IllegalStateException("not 16-bit PCM");
        }
        short[] s = new short[data.length / 2];
        ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(s);
        return s;
    }

    /** Duration in seconds. */
    public double durationSeconds() {
        return (double) data.length / (channels * (bitsPerSample / 8)) / sampleRate;
    }

    private static boolean tag(byte[] f, int at, String t) {
        for (int i = 0; i < 4; i++) {
            if (f[at + i] != t.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
