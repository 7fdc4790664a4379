package org.callrec.core.allocation;

import java.util.Map;

/**
 * What the ingest node counted for a recording it just ended.
 *
 * @param recordingId     the recording
 * @param packetsAccepted packets published
 * @param droppedByReason packets dropped, by reason
 * @param chunks          media chunks published
 */
public record ReleaseResult(String recordingId, long packetsAccepted, Map<String, Long> droppedByReason, long chunks) {
}
