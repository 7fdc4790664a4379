package org.callrec.core.chunk;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The end record: why the recording ended and what the ingest node counted.
 *
 * @param recordingId     the recording
 * @param reason          stop reason ({@link StopReason}): the phone's {@code reason} on a stop,
 *                        or a server token such as {@code socket-error}
 * @param endedAtMillis   when it ended, epoch milliseconds
 * @param packetsAccepted packets accepted into chunks
 * @param droppedByReason packets dropped by the ingest node, by {@link DropReason} token
 * @param chunks          media chunks published before this record
 * @param fields          the stop command's values (numbers and names may change during a call)
 */
public record RecordingEnded(String recordingId, String reason, long endedAtMillis, long packetsAccepted,
                             Map<String, Long> droppedByReason, long chunks, Map<String, String> fields) {

    public RecordingEnded {
        droppedByReason = Map.copyOf(droppedByReason);
        fields = Map.copyOf(fields);
    }

    Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("recordingId", recordingId);
        m.put("reason", reason);
        m.put("endedAt", Long.toString(endedAtMillis));
        m.put("packetsAccepted", Long.toString(packetsAccepted));
        m.put("chunks", Long.toString(chunks));
        droppedByReason.forEach((k, v) -> m.put("d." + k, Long.toString(v)));
        fields.forEach((k, v) -> m.put("f." + k, v));
        return m;
    }

    static RecordingEnded fromMap(Map<String, String> m) {
        Map<String, String> fields = new LinkedHashMap<>();
        Map<String, Long> dropped = new LinkedHashMap<>();
        m.forEach((k, v) -> {
            if (k.startsWith("f.")) {
                fields.put(k.substring(2), v);
            } else if (k.startsWith("d.")) {
                dropped.put(k.substring(2), Long.parseLong(v));
            }
        });
        return new RecordingEnded(m.get("recordingId"), m.get("reason"), Long.parseLong(m.get("endedAt")),
                Long.parseLong(m.get("packetsAccepted")), dropped, Long.parseLong(m.get("chunks")), fields);
    }
}
