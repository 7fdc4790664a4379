package org.callrec.benchmark;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import org.callrec.core.audio.AudioCodec;

/**
 * Whether a stored WAV holds, sample for sample, what a phone sent. The phones send in order and
 * nothing is lost on loopback, so the expected audio is the concatenation of the payloads sent,
 * decoded with {@link G711Reference} (the storage service puts the first packet's timestamp at
 * sample 0 and writes PCM16 by default, {@code storage.output.format=pcm16}).
 *
 * @param exact           every sample equal and the same number of samples
 * @param expectedSamples samples the phone sent
 * @param storedSamples   samples in the WAV's data chunk (-1 when it could not be read)
 * @param firstMismatch   index of the first differing sample, -1 when none (within the shorter length)
 * @param expectedValue   the sent sample at {@code firstMismatch}
 * @param storedValue     the stored sample at {@code firstMismatch}
 * @param problem         why the file could not be compared (not a PCM16 mono WAV at 8 kHz, a
 *                        codec this check does not decode), null when it could
 */
record StoredAudioCheck(boolean exact, int expectedSamples, int storedSamples, int firstMismatch,
                        int expectedValue, int storedValue, String problem) {

    /** Compares a WAV file's bytes with the payload bytes sent in codec {@code codec}. */
    static StoredAudioCheck of(AudioCodec codec, byte[] payloadSent, byte[] wav) {
        if (codec != AudioCodec.PCMA && codec != AudioCodec.PCMU) {
            return unreadable(payloadSent.length, "no reference decoder for " + codec);
        }
        ByteBuffer data;
        try {
            data = pcm16MonoData(wav, 8000);
        } catch (IllegalArgumentException e) {
            return unreadable(payloadSent.length, e.getMessage());
        }
        int stored = data.remaining() / 2;
        int common = Math.min(stored, payloadSent.length);
        for (int i = 0; i < common; i++) {
            short expected = codec == AudioCodec.PCMA ? G711Reference.alaw(payloadSent[i]) : G711Reference.ulaw(payloadSent[i]);
            short got = data.getShort(data.position() + 2 * i);
            if (expected != got) {
                return new StoredAudioCheck(false, payloadSent.length, stored, i, expected, got, null);
            }
        }
        return new StoredAudioCheck(stored == payloadSent.length, payloadSent.length, stored, -1, 0, 0, null);
    }

    private static StoredAudioCheck unreadable(int expected, String problem) {
        return new StoredAudioCheck(false, expected, -1, -1, 0, 0, problem);
    }

    /**
     * The data chunk of a RIFF/WAVE file of 16-bit PCM, mono, at {@code rate} Hz (little endian).
     *
     * @throws IllegalArgumentException when it is not one
     */
    static ByteBuffer pcm16MonoData(byte[] wav, int rate) {
        ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        if (wav.length < 12 || !tag(wav, 0).equals("RIFF") || !tag(wav, 8).equals("WAVE")) {
            throw new IllegalArgumentException("not a RIFF/WAVE file");
        }
        boolean fmtOk = false;
        int pos = 12;
        while (pos + 8 <= wav.length) {
            String id = tag(wav, pos);
            long size = b.getInt(pos + 4) & 0xFFFF_FFFFL;
            int body = pos + 8;
            if (id.equals("fmt ")) {
                int format = b.getShort(body) & 0xFFFF;
                int channels = b.getShort(body + 2);
                int sampleRate = b.getInt(body + 4);
                int bits = b.getShort(body + 14);
                if (format != 1 || channels != 1 || sampleRate != rate || bits != 16) {
                    throw new IllegalArgumentException("WAV is format " + format + ", " + channels + " channel(s), "
                            + sampleRate + " Hz, " + bits + " bits, not PCM16 mono " + rate + " Hz");
                }
                fmtOk = true;
            } else if (id.equals("data")) {
                if (!fmtOk) {
                    throw new IllegalArgumentException("WAV data chunk before its fmt chunk");
                }
                int length = (int) Math.min(size, wav.length - body);
                return b.slice(body, length).order(ByteOrder.LITTLE_ENDIAN);
            }
            pos = (int) Math.min(Integer.MAX_VALUE, body + size + (size & 1));
        }
        throw new IllegalArgumentException("WAV has no data chunk");
    }

    private static String tag(byte[] b, int at) {
        return new String(b, at, 4, StandardCharsets.US_ASCII);
    }

    /** One line for the report: "exact", or where and how it differs. */
    String describe() {
        if (problem != null) {
            return "not compared: " + problem;
        }
        if (exact) {
            return "exact (" + expectedSamples + " samples)";
        }
        String length = storedSamples == expectedSamples ? "same length"
                : "length " + storedSamples + " vs " + expectedSamples + " sent (" + (storedSamples - expectedSamples) + ")";
        return firstMismatch < 0 ? "samples equal, " + length
                : "first mismatch at sample " + firstMismatch + " (sent " + expectedValue + ", stored " + storedValue + "), " + length;
    }
}
