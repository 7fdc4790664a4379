package org.callrec.core.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Test signals and measures for the G.722 tests. */
final class G722Signals {

    static final int RATE = 16000;

    private G722Signals() {
    }

    /**
     * {@code seconds} of 16 kHz audio in three parts: two tones (440 Hz and 3 kHz), a linear sweep
     * from 50 Hz to 7.5 kHz, then uniform noise under a 1 kHz tone; deterministic.
     */
    static short[] tonesSweepNoise(double seconds) {
        int n = (int) Math.round(seconds * RATE);
        double third = seconds / 3;
        short[] s = new short[n];
        long noise = 12345;
        for (int i = 0; i < n; i++) {
            double t = (double) i / RATE;
            double v;
            if (t < third) {
                v = 8000 * Math.sin(2 * Math.PI * 440 * t) + 4000 * Math.sin(2 * Math.PI * 3000 * t);
            } else if (t < 2 * third) {
                double u = t - third;
                v = 12000 * Math.sin(2 * Math.PI * (50 * u + (7500 - 50) * u * u / (2 * third)));
            } else {
                noise ^= noise << 13;
                noise ^= noise >>> 7;
                noise ^= noise << 17;
                v = (noise >>> 40) % 12001 - 6000 + 6000 * Math.sin(2 * Math.PI * 1000 * t);
            }
            s[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(v)));
        }
        return s;
    }

    /** Signal-to-noise ratio of {@code actual} against {@code reference}, dB (infinite when equal). */
    static double snrDb(short[] actual, short[] reference) {
        int n = Math.min(actual.length, reference.length);
        double signal = 0;
        double noise = 0;
        for (int i = 0; i < n; i++) {
            double d = actual[i] - reference[i];
            signal += (double) reference[i] * reference[i];
            noise += d * d;
        }
        return noise == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(signal / noise);
    }

    /** SNR of {@code decoded} against {@code source} at the best delay up to {@code maxDelay} samples. */
    static double bestDelaySnrDb(short[] decoded, short[] source, int maxDelay) {
        double best = Double.NEGATIVE_INFINITY;
        for (int delay = 0; delay <= maxDelay; delay++) {
            int n = Math.min(source.length, decoded.length - delay);
            short[] shifted = new short[n];
            System.arraycopy(decoded, delay, shifted, 0, n);
            best = Math.max(best, snrDb(shifted, java.util.Arrays.copyOf(source, n)));
        }
        return best;
    }

    static byte[] s16le(short[] s) {
        ByteBuffer b = ByteBuffer.allocate(2 * s.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asShortBuffer().put(s);
        return b.array();
    }

    static String format(double snr) {
        return Double.isInfinite(snr) ? "infinite (bit-exact)" : String.format("%.2f dB", snr);
    }
}
