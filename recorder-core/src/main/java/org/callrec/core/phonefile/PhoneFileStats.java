package org.callrec.core.phonefile;

import java.util.List;

/**
 * What the RTP headers of a file's units say about the stream the phone recorded (all zero and
 * empty for files without RTP headers). Discontinuities are reported, never repaired: the audio
 * is the units' payloads back to back, as the phone's own player plays them.
 *
 * @param units            data units read
 * @param missingSequence  sequence numbers skipped between consecutive units (packets the
 *                         phone did not write)
 * @param ssrcChanges      units whose SSRC differs from the unit before
 * @param malformedHeaders units whose header is not a plain RTP version-2 header (their
 *                         payload is kept)
 * @param timestampJumps   consecutive units whose timestamps differ by something other than
 *                         {@code increment} (a pause, a clock reset)
 * @param gaps             the forward jumps, in order: where in the audio and how much time
 *                         the timestamps skipped beyond one increment, RTP units; at most
 *                         {@link PhoneFileReader#MAX_LISTED_GAPS} are listed
 */
public record PhoneFileStats(long units, long missingSequence, int ssrcChanges, long malformedHeaders,
                             long timestampJumps, List<Gap> gaps) {

    public PhoneFileStats {
        gaps = List.copyOf(gaps);
    }

    /** A forward jump in the timestamps, in RTP timestamp units. */
    public record Gap(long atUnits, long lengthUnits) {
    }
}
