package org.callrec.core.timeline;

import java.util.List;
import java.util.Map;

/**
 * What the timeline saw of one recording's RTP stream.
 *
 * @param received        datagrams offered (valid or not)
 * @param placed          packets whose payload went into the timeline
 * @param expected        audio packets the sequence numbers say were sent (per SSRC, summed;
 *                        packets of other payload types in the sequence space left out)
 * @param lost            expected packets never placed (lost on the way, or late)
 * @param duplicated      copies of a packet already held or placed
 * @param late            packets that arrived after their place had been written
 * @param droppedByReason packets not used, by {@link org.callrec.core.chunk.DropReason} token
 *                        ({@code malformed}, {@code payload-type}, {@code stale-ssrc},
 *                        {@code overlap}, {@code out-of-range})
 * @param otherPayloadTypes packets of a payload type other than the recording's codec
 *                        (telephone-event, comfort noise, …), by payload type number
 * @param ssrcChanges     times the stream switched to a new SSRC
 * @param restarts        times the stream restarted its numbering under the same SSRC
 * @param timestampResets times the timestamps jumped back while the sequence numbers went on
 * @param maxJitterMillis largest RFC 3550 interarrival jitter estimate
 * @param gaps            pauses (kept, collapsed or cut), bounded and collapsed holes, in timeline
 *                        order: the first {@link TimelineCaps#maxGapsListed()}
 * @param durationUnits   length of the timeline, RTP timestamp units
 * @param gapsOmitted     gaps past the listed ones, counted only
 * @param gapsAltered     gaps, listed or not, not kept at their full length (bounded, collapsed, skipped)
 * @param unitsPerPacket  payload length of the latest audio packet, units (0 if none came)
 * @param capTripped      the cap that ended the timeline, or null
 */
public record TimelineStats(long received, long placed, long expected, long lost, long duplicated, long late,
                            Map<String, Long> droppedByReason, Map<Integer, Long> otherPayloadTypes,
                            int ssrcChanges, int restarts, int timestampResets, double maxJitterMillis,
                            List<Gap> gaps, long durationUnits, long gapsOmitted, long gapsAltered,
                            int unitsPerPacket, TimelineCap capTripped) {

    /** Statistics without omitted gaps, packet length or cap (tests, imported files); altered gaps from the list. */
    public TimelineStats(long received, long placed, long expected, long lost, long duplicated, long late,
                         Map<String, Long> droppedByReason, Map<Integer, Long> otherPayloadTypes,
                         int ssrcChanges, int restarts, int timestampResets, double maxJitterMillis,
                         List<Gap> gaps, long durationUnits) {
        this(received, placed, expected, lost, duplicated, late, droppedByReason, otherPayloadTypes, ssrcChanges,
                restarts, timestampResets, maxJitterMillis, gaps, durationUnits, 0,
                gaps.stream().filter(g -> g.action() != GapAction.KEPT).count(), 0, null);
    }

    /** What became of a gap. */
    public enum GapAction {
        /** Silence of its full length. */
        KEPT,
        /** Shortened to a marker of silence. */
        COLLAPSED,
        /** Cut out entirely. */
        SKIPPED,
        /**
         * The timestamps claimed more than the time that passed: cut to the arrival-time gap plus
         * the reorder window.
         */
        BOUNDED
    }

    /**
     * A gap in the RTP timestamps.
     *
     * @param atUnits     where in the timeline (units) the gap starts
     * @param lengthUnits its length in the RTP timestamps
     * @param keptUnits   silence written for it
     * @param action      what became of it
     */
    public record Gap(long atUnits, long lengthUnits, long keptUnits, GapAction action) {
    }
}
