package org.callrec.core.timeline;

import java.util.List;
import java.util.Map;

/**
 * What the timeline saw of one recording's RTP stream.
 *
 * @param received       datagrams offered (valid or not)
 * @param placed         packets whose payload went into the timeline
 * @param expected       packets the sequence numbers say were sent (per SSRC, summed)
 * @param lost           expected packets never placed (lost on the way, or late)
 * @param duplicated     copies of a packet already held or placed
 * @param late           packets that arrived after their place had been written
 * @param droppedByReason packets not used, by reason ({@code malformed}, {@code payload-type},
 *                       {@code stale-ssrc}, {@code overlap})
 * @param ssrcChanges    times the stream switched to a new SSRC
 * @param maxJitterMillis largest RFC 3550 interarrival jitter estimate
 * @param collapsedGaps  gaps longer than the limit that were not filled with silence
 * @param durationUnits  length of the timeline, RTP timestamp units
 */
public record TimelineStats(long received, long placed, long expected, long lost, long duplicated, long late,
                            Map<String, Long> droppedByReason, int ssrcChanges, double maxJitterMillis,
                            List<Gap> collapsedGaps, long durationUnits) {

    /** A gap in RTP timestamps: where in the timeline (units) and how long it was (units). */
    public record Gap(long atUnits, long lengthUnits) {
    }
}
