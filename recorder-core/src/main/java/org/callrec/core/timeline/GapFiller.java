package org.callrec.core.timeline;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides what fills a hole in the RTP timestamps before the next packet, per a
 * {@link GapHandling}: silence of its length, a shorter marker, or nothing. A hole is never
 * filled with more than the time that passed: the arrival-time gap plus the reorder window
 * (whatever the timestamps claim); a hole cut to that is {@link TimelineStats.GapAction#BOUNDED}.
 * A hole is loss as far as the missing sequence numbers account for it and a pause beyond that;
 * every pause, every bounded and every collapsed hole is a {@link TimelineStats.Gap}. The first
 * {@code maxListed} gaps are kept, the rest only counted. The caller writes the silence and moves
 * its timeline by what was left out. Not thread-safe.
 */
final class GapFiller {

    private final GapHandling handling;
    private final int maxListed;
    private final List<TimelineStats.Gap> gaps = new ArrayList<>();
    private long omitted;
    private long altered;

    /** @param maxListed most gaps listed; later ones are only counted */
    GapFiller(GapHandling handling, int maxListed) {
        this.handling = handling;
        this.maxListed = Math.max(0, maxListed);
    }

    /**
     * What fills a hole.
     *
     * @param hole   its length in the timestamps
     * @param kept   silence to write for it
     * @param action what became of it
     * @param listed whether it is a gap (a pause, or not kept whole)
     */
    record Fill(long hole, long kept, TimelineStats.GapAction action, boolean listed) {
    }

    /**
     * What fills a hole of {@code hole} units with {@code missing} sequence numbers between the
     * last packet written and the next, whose packets are {@code packetUnits} long; at most
     * {@code allowedUnits} (the arrival-time gap plus the reorder window) of it can be real.
     * Nothing is recorded until {@link #record}.
     */
    Fill plan(long hole, long allowedUnits, long missing, int packetUnits) {
        long real = Math.min(hole, Math.max(0, allowedUnits));
        boolean bounded = real < hole;
        long explained = missing > real / Math.max(1, packetUnits) ? real : missing * packetUnits;
        boolean pause = real - explained >= handling.minPauseUnits();
        long kept = real;
        TimelineStats.GapAction action = bounded ? TimelineStats.GapAction.BOUNDED : TimelineStats.GapAction.KEPT;
        switch (handling.policy()) {
            case COLLAPSE -> {
                if (real > handling.maxSilenceUnits()) {
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
                // every hole is kept whole (as far as time passed)
            }
        }
        return new Fill(hole, kept, action, pause || action != TimelineStats.GapAction.KEPT);
    }

    /** The hole {@code fill} was written at timeline position {@code atUnits}: listed if it is a gap. */
    void record(long atUnits, Fill fill) {
        if (!fill.listed()) {
            return;
        }
        if (fill.action() != TimelineStats.GapAction.KEPT) {
            altered++;
        }
        if (gaps.size() < maxListed) {
            gaps.add(new TimelineStats.Gap(atUnits, fill.hole(), fill.kept(), fill.action()));
        } else {
            omitted++;
        }
    }

    /** The gaps listed so far (the first {@code maxListed}), in timeline order. */
    List<TimelineStats.Gap> gaps() {
        return List.copyOf(gaps);
    }

    /** Gaps past {@code maxListed}, counted but not listed. */
    long omitted() {
        return omitted;
    }

    /** Gaps, listed or not, whose silence is not their full length (bounded, collapsed, skipped). */
    long altered() {
        return altered;
    }
}
