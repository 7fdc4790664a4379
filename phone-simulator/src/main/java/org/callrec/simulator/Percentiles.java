package org.callrec.simulator;

import java.util.Arrays;

/** Nearest-rank percentiles of latency samples, for the CLI and the benchmark reports. */
public final class Percentiles {

    private Percentiles() {
    }

    /**
     * The nearest-rank {@code percentile} (0 &lt; p ≤ 100) of {@code values}, NaN when empty.
     * The input is not modified.
     */
    public static double of(double[] values, double percentile) {
        if (values.length == 0) {
            return Double.NaN;
        }
        if (!(percentile > 0 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100]: " + percentile);
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
