package org.callrec.core.timeline;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides what fills a hole in the RTP timestamps before the next packet, per a
 * {@link GapHandling}: silence of its length, a shorter marker, or nothing. A hole is loss as far
 * as the missing sequence numbers account for it and a pause beyond that; every pause and every
 * collapsed hole is recorded as a {@link TimelineStats.Gap}. The caller writes the silence and
 * moves its timeline by what was left out. Not thread-safe.
 */
final class GapFiller {

    private final GapHandling handling;
    private final List<TimelineStats.Gap> gaps = new ArrayList<>();

    GapFiller(GapHandling handling) {
        this.handling = handling;
    }

    /**
     * A hole of {@code hole} units at timeline position {@code atUnits}, with {@code missing}
     * sequence numbers between the last packet written and the next, whose packets are
     * {@code packetUnits} long.
     *
     * @return units of silence to write in its place
     */
    long fill(long atUnits, long hole, long missing, int packetUnits) {
        long explained = missing > hole / Math.max(1, packetUnits) ? hole : missing * packetUnits;
        boolean pause = hole - explained >= handling.minPauseUnits();
        long kept = hole;
        TimelineStats.GapAction action = TimelineStats.GapAction.KEPT;
        switch (handling.policy()) {
            case COLLAPSE -> {
                if (hole > handling.maxSilenceUnits()) {
                    kept = handling.markerUnits();
                    action = TimelineStats.GapAction.COLLAPSED;
                }
            }
            case SKIP -> {
                if (pause) {
                    kept = 0;
                    action = TimelineStats.GapAction.SKIPPED;
                }
            }
            case SILENCE -> {
                // every hole is kept whole
            }
        }
        if (pause || action != TimelineStats.GapAction.KEPT) {
            gaps.add(new TimelineStats.Gap(atUnits, hole, kept, action));
        }
        return kept;
    }

    /** The gaps so far, in timeline order. */
    List<TimelineStats.Gap> gaps() {
        return List.copyOf(gaps);
    }
}
