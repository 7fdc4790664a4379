package org.callrec.core.timeline;

/**
 * The interarrival jitter estimate of RFC 3550 §6.4.1 and appendix A.8: the mean deviation of
 * the difference in transit time of successive packets, smoothed with gain 1/16, in RTP timestamp
 * units. Keeps the largest estimate seen.
 *
 * <p>Arrival times are taken relative to the first arrival after a {@link #restart()}, so the
 * conversion to timestamp units cannot overflow whatever the arrival clock's origin. Not
 * thread-safe.
 */
final class JitterEstimator {

    private final int clockRate;
    private long origin = Long.MIN_VALUE;
    private long lastTransit = Long.MIN_VALUE;
    private double jitterUnits;
    private double maxJitterUnits;

    /** @param clockRate RTP clock of the stream, units per second */
    JitterEstimator(int clockRate) {
        this.clockRate = clockRate;
    }

    /** One packet arrived at {@code arrivalMicros} carrying (extended) timestamp {@code extTs}. */
    void update(long arrivalMicros, long extTs) {
        if (origin == Long.MIN_VALUE) {
            origin = arrivalMicros;
        }
        long arrivalUnits = (arrivalMicros - origin) * clockRate / 1_000_000L;
        long transit = arrivalUnits - extTs;
        if (lastTransit != Long.MIN_VALUE) {
            long d = Math.abs(transit - lastTransit);
            jitterUnits += (d - jitterUnits) / 16.0;
            maxJitterUnits = Math.max(maxJitterUnits, jitterUnits);
        }
        lastTransit = transit;
    }

    /**
     * The timestamps start over (a new stream, or the sender reset its clock): the next packet's
     * transit is not compared with the last one's. The estimate itself carries on.
     */
    void restart() {
        origin = Long.MIN_VALUE;
        lastTransit = Long.MIN_VALUE;
    }

    /** The current estimate, RTP timestamp units. */
    double jitterUnits() {
        return jitterUnits;
    }

    /** The largest estimate so far, in milliseconds. */
    double maxJitterMillis() {
        return maxJitterUnits * 1000.0 / clockRate;
    }
}
