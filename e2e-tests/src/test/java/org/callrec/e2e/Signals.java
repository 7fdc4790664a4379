package org.callrec.e2e;

/**
 * Measures for comparing a stored recording with its reference: correlation at the best single
 * alignment, and the dominant frequency (pitch). Written for these tests, no project code.
 */
final class Signals {

    private Signals() {
    }

    /** A correlation coefficient and the lag (samples of {@code actual} after {@code reference}) it was found at. */
    record Alignment(double correlation, int lag) {
    }

    /**
     * The best Pearson correlation of {@code actual} with {@code reference} over lags
     * {@code -maxLag … maxLag}, each computed over the samples the two overlap at that one lag
     * (so a stretched, shortened or shifted-in-parts recording cannot score high).
     */
    static Alignment bestAlignment(short[] actual, short[] reference, int maxLag) {
        Alignment best = new Alignment(Double.NEGATIVE_INFINITY, 0);
        for (int lag = -maxLag; lag <= maxLag; lag++) {
            double c = correlationAt(actual, reference, lag);
            if (c > best.correlation()) {
                best = new Alignment(c, lag);
            }
        }
        return best;
    }

    /** Pearson correlation of {@code actual[i + lag]} with {@code reference[i]} where both exist. */
    static double correlationAt(short[] actual, short[] reference, int lag) {
        int from = Math.max(0, -lag);
        int to = Math.min(reference.length, actual.length - lag);
        int n = to - from;
        if (n <= 0) {
            return 0;
        }
        double sa = 0;
        double sr = 0;
        for (int i = from; i < to; i++) {
            sa += actual[i + lag];
            sr += reference[i];
        }
        double ma = sa / n;
        double mr = sr / n;
        double cov = 0;
        double va = 0;
        double vr = 0;
        for (int i = from; i < to; i++) {
            double a = actual[i + lag] - ma;
            double r = reference[i] - mr;
            cov += a * r;
            va += a * a;
            vr += r * r;
        }
        return va == 0 || vr == 0 ? 0 : cov / Math.sqrt(va * vr);
    }

    /** The frequency (5 Hz steps up to Nyquist) with the most energy in {@code samples}, by Goertzel. */
    static double dominantHz(short[] samples, int sampleRate) {
        double bestHz = 0;
        double bestPower = -1;
        for (double hz = 50; hz < sampleRate / 2.0; hz += 5) {
            double w = 2 * Math.PI * hz / sampleRate;
            double coeff = 2 * Math.cos(w);
            double s1 = 0;
            double s2 = 0;
            for (short x : samples) {
                double s0 = x + coeff * s1 - s2;
                s2 = s1;
                s1 = s0;
            }
            double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
            if (power > bestPower) {
                bestPower = power;
                bestHz = hz;
            }
        }
        return bestHz;
    }

    /** SNR of {@code actual} against {@code reference}, dB, over their common length. */
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
}
