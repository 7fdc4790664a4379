package org.callrec.simulator;

import org.callrec.core.audio.AudioCodec;
import org.callrec.core.audio.G711;
import org.callrec.core.audio.G722Encoder;

/**
 * The audio a simulated phone sends: a sine tone of amplitude ~8000 plus a small deterministic
 * pseudo-random component (xorshift, ±400), so the signal is not periodic and a misplaced
 * packet shows up when the stored audio is compared with what was sent. The same seed always
 * gives the same samples. G.711 codecs get the tone at 8 kHz, one byte per sample; G.722 gets it
 * at 16 kHz through one {@link G722Encoder} running for the whole call, one byte per sample pair
 * (per 8 kHz RTP timestamp unit). Not thread-safe.
 */
final class ToneSource {

    private static final double AMPLITUDE = 8000;
    private static final int NOISE = 400;
    private static final double TWO_PI = 2 * Math.PI;

    private final AudioCodec codec;
    private final double step;
    private final G722Encoder g722;
    private short[] pcm = new short[0];
    private double phase;
    private long noiseState;

    ToneSource(AudioCodec codec, double toneHz, long seed) {
        this.codec = codec;
        this.step = TWO_PI * toneHz / codec.sampleRate();
        this.noiseState = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
        this.g722 = codec == AudioCodec.G722 ? new G722Encoder() : null;
    }

    /** Writes the next {@code units} payload bytes (RTP timestamp units) at {@code off}. */
    void next(byte[] dst, int off, int units) {
        if (g722 != null) {
            int samples = 2 * units;
            if (pcm.length < samples) {
                pcm = new short[samples];
            }
            for (int i = 0; i < samples; i++) {
                pcm[i] = sample();
            }
            g722.encode(pcm, 0, samples, dst, off);
            return;
        }
        for (int i = 0; i < units; i++) {
            short s = sample();
            dst[off + i] = codec == AudioCodec.PCMU ? G711.linearToUlaw(s) : G711.linearToAlaw(s);
        }
    }

    private short sample() {
        int value = (int) Math.round(AMPLITUDE * Math.sin(phase)) + noise();
        phase += step;
        if (phase >= TWO_PI) {
            phase -= TWO_PI;
        }
        return (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, value));
    }

    private int noise() {
        long x = noiseState;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        noiseState = x;
        return (int) Math.floorMod(x >>> 11, 2L * NOISE + 1) - NOISE;
    }

    /** Seed derived from the phone's identity, so every phone of a fleet sounds different. */
    static long seedFor(PhoneConfig config) {
        long h = 1125899906842597L;
        for (char ch : (config.sessionId() + '|' + config.device()).toCharArray()) {
            h = 31 * h + ch;
        }
        return h ^ (h >>> 29);
    }
}
