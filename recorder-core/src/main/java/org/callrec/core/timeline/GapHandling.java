package org.callrec.core.timeline;

import java.time.Duration;

/**
 * What the timeline does with a hole in the RTP timestamps between two audio packets.
 *
 * <p>A hole is <em>loss</em> as far as the missing sequence numbers account for it (missing
 * packets × the packet length), and a <em>pause</em> (hold, mute, a sender that stopped sending
 * — a gap) when it is longer than that by at least {@code minPauseUnits}. Loss is always silence
 * at its place, whatever the policy; the policy decides about pauses:
 * <ul>
 *   <li>{@link Policy#COLLAPSE}: a pause up to {@code maxSilenceUnits} is silence of its length;
 *       a longer hole (pause or loss) is collapsed to {@code markerUnits} of silence;</li>
 *   <li>{@link Policy#SILENCE}: every pause is silence of its length;</li>
 *   <li>{@link Policy#SKIP}: every pause is cut, the audio after it follows at once.</li>
 * </ul>
 * Every pause (kept, collapsed or cut) and every collapsed hole is reported as a
 * {@link TimelineStats.Gap}.
 *
 * @param policy          what happens to pauses
 * @param maxSilenceUnits {@link Policy#COLLAPSE} only: longest hole kept whole
 * @param minPauseUnits   how much longer than its missing packets a hole must be to be a pause
 * @param markerUnits     {@link Policy#COLLAPSE} only: silence left where a hole was collapsed
 */
public record GapHandling(Policy policy, long maxSilenceUnits, long minPauseUnits, long markerUnits) {

    /** What the timeline does with pauses. */
    public enum Policy {
        /** Pauses up to a limit are silence; longer holes are collapsed to a short marker. */
        COLLAPSE,
        /** Pauses are always silence of their full length. */
        SILENCE,
        /** Pauses are always cut. */
        SKIP
    }

    /** Silence left where a hole was collapsed: one second (or the limit, if that is shorter). */
    public static final Duration COLLAPSED_MARKER = Duration.ofSeconds(1);

    public GapHandling {
        if (policy == null || maxSilenceUnits < 0 || minPauseUnits < 1 || markerUnits < 0) {
            throw new IllegalArgumentException("bad gap handling " + policy + "/" + maxSilenceUnits + "/"
                    + minPauseUnits + "/" + markerUnits);
        }
    }

    /**
     * The handling for a clock of {@code clockRate} units per second.
     *
     * @param maxSilence the {@link Policy#COLLAPSE} limit
     * @param minPause   shortest pause that counts as a gap
     */
    public static GapHandling of(Policy policy, Duration maxSilence, Duration minPause, int clockRate) {
        long max = units(maxSilence, clockRate);
        return new GapHandling(policy, max, Math.max(1, units(minPause, clockRate)),
                Math.min(max, units(COLLAPSED_MARKER, clockRate)));
    }

    /** {@code d} in units of a {@code clockRate} clock, saturating. */
    public static long units(Duration d, int clockRate) {
        long millis = d.toMillis();
        if (millis > Long.MAX_VALUE / clockRate) {
            return Long.MAX_VALUE;
        }
        return millis * clockRate / 1000;
    }
}
