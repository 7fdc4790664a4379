package org.callrec.core.timeline;

/**
 * Per-recording bounds of a timeline, whatever its sender claims. Once the audio would pass one
 * of them the timeline ends there ({@link TimelineAssembler#capTripped()}): what was written
 * stays, everything after it is dropped as {@code capped}.
 *
 * @param leadUnits     how far the audio may run ahead of the arrival time that passed (from the
 *                      first datagram to the newest): the reorder window plus a slack for the
 *                      first packet's length and clock drift; on top of it the audio may run
 *                      {@value #DRIFT_PERCENT} % ahead of the elapsed time
 * @param maxUnits      longest audio, RTP timestamp units (the storage's byte limit, converted)
 * @param maxGapsListed most gaps listed in {@link TimelineStats#gaps()}; the rest are counted
 */
public record TimelineCaps(long leadUnits, long maxUnits, int maxGapsListed) {

    /** Percent of the elapsed arrival time the audio may run ahead by (sender clock drift, generous). */
    public static final int DRIFT_PERCENT = 1;

    /** Gaps listed by default. */
    public static final int DEFAULT_GAPS_LISTED = 100;

    /** No cap on the audio; {@value #DEFAULT_GAPS_LISTED} gaps listed. */
    public static final TimelineCaps NONE = new TimelineCaps(Long.MAX_VALUE, Long.MAX_VALUE, DEFAULT_GAPS_LISTED);

    public TimelineCaps {
        if (leadUnits < 0 || maxUnits < 0 || maxGapsListed < 0) {
            throw new IllegalArgumentException("bad caps " + leadUnits + "/" + maxUnits + "/" + maxGapsListed);
        }
    }

    /** The most audio allowed once {@code elapsedUnits} of arrival time passed, saturating. */
    long allowedUnits(long elapsedUnits) {
        long drift = elapsedUnits / 100 * DRIFT_PERCENT;
        return saturatingAdd(saturatingAdd(elapsedUnits, drift), leadUnits);
    }

    static long saturatingAdd(long a, long b) {
        long s = a + b;
        return ((a ^ s) & (b ^ s)) < 0 ? Long.MAX_VALUE : s;
    }
}
