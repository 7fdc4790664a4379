package org.callrec.simulator;

import org.callrec.core.audio.AudioCodec;
import org.callrec.core.audio.G722Encoder;

/**
 * The audio a simulated phone sends: a sine tone of amplitude ~8000 plus a small deterministic
 * pseudo-random component (xorshift, ±400), so the signal is not periodic and a misplaced
 * packet shows up when the stored audio is compared with what was sent. The same seed always
 * gives the same samples. G.711 codecs get the tone at 8 kHz, one byte per sample; G.722 gets it
 * at 16 kHz through one {@link G722Encoder} running for the whole call, one byte per sample pair
 * (per 8 kHz RTP timestamp unit). Not thread-safe.
 *
 * <p>A whole number of hertz (every tone {@link Fleet#phones} makes) is read from a one-second
 * sine table, exact in phase and a table look-up per sample: the fleet's senders spend their CPU
 * on sending, not on {@code Math.sin}. Other frequencies are computed. The noise is scaled to its
 * range by a multiply and a shift (no division), and G.711 is encoded by a {@link G711Table}
 * look-up: a G.711 sample costs a few instructions.
 *
 * <p>{@link #payload(PhoneConfig, int)} makes the same bytes again, so a benchmark can check a
 * stored recording against what a phone sent without keeping every byte.
 */
public final class ToneSource {

    private static final double AMPLITUDE = 8000;
    private static final int NOISE = 400;
    private static final double TWO_PI = 2 * Math.PI;

    private final double step;
    private final int[] table;
    private final int tableStep;
    private int tableIndex;
    private final G722Encoder g722;
    private final G711Table g711;
    private short[] pcm = new short[0];
    private double phase;
    private long noiseState;

    ToneSource(AudioCodec codec, double toneHz, long seed) {
        this.step = TWO_PI * toneHz / codec.sampleRate();
        boolean whole = toneHz == Math.rint(toneHz);
        this.table = whole ? SineTables.of(codec.sampleRate()) : null;
        this.tableStep = whole ? (int) (((long) toneHz) % codec.sampleRate()) : 0;
        this.noiseState = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
        this.g722 = codec == AudioCodec.G722 ? new G722Encoder() : null;
        this.g711 = codec == AudioCodec.G722 ? null : G711Table.of(codec);
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
            dst[off + i] = g711.encode(sample());
        }
    }

    private short sample() {
        int value;
        if (table != null) {
            value = table[tableIndex] + noise();
            tableIndex += tableStep;
            if (tableIndex >= table.length) {
                tableIndex -= table.length;
            }
        } else {
            value = (int) Math.round(AMPLITUDE * Math.sin(phase)) + noise();
            phase += step;
            if (phase >= TWO_PI) {
                phase -= TWO_PI;
            }
        }
        return (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, value));
    }

    private int noise() {
        long x = noiseState;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        noiseState = x;
        // the top 32 bits times the range's size, over 2^32: uniform in [0, 2 × NOISE]
        return (int) (((x >>> 32) * (2 * NOISE + 1)) >>> 32) - NOISE;
    }

    /**
     * The first {@code units} payload bytes (RTP timestamp units) a phone with this configuration
     * sends: a call that sent {@code n} packets sent {@code payload(config, n × samplesPerPacket)}.
     */
    public static byte[] payload(PhoneConfig config, int units) {
        byte[] bytes = new byte[units];
        new ToneSource(config.codec(), config.toneHz(), seedFor(config)).next(bytes, 0, units);
        return bytes;
    }

    /** One second of the sine at amplitude {@link #AMPLITUDE}, per sample rate, made once. */
    private static final class SineTables {
        private static final int[] RATE_8000 = make(8000);
        private static final int[] RATE_16000 = make(16000);

        static int[] of(int sampleRate) {
            return sampleRate == 8000 ? RATE_8000 : sampleRate == 16000 ? RATE_16000 : make(sampleRate);
        }

        private static int[] make(int rate) {
            int[] t = new int[rate];
            for (int i = 0; i < rate; i++) {
                t[i] = (int) Math.round(AMPLITUDE * Math.sin(TWO_PI * i / rate));
            }
            return t;
        }
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
