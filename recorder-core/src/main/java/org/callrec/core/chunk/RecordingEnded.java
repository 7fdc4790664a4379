package org.callrec.core.chunk;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The end record: why the recording ended and what the ingest node counted and saw of its
 * timing. Records written before the timing fields existed read as {@code 0} (unknown) for the
 * times, {@code 0} packets after the stop and a drained tail.
 *
 * @param recordingId         the recording
 * @param reason              stop reason ({@link StopReason}): the phone's {@code reason} on a
 *                            stop, or a server token such as {@code socket-error}
 * @param endedAtMillis       when it ended, epoch milliseconds
 * @param packetsAccepted     packets accepted into chunks
 * @param droppedByReason     packets dropped by the ingest node, by {@link DropReason} token
 * @param chunks              media chunks published before this record
 * @param fields              the stop command's values (numbers and names may change during a call)
 * @param stopHandledAtMillis when the ingest node handled the stop (the release, or its own
 *                            decision to end: lease lapsed, {@code max-duration},
 *                            {@code media-timeout}), epoch milliseconds; the control-side length
 *                            of the call is this minus the START's {@code startedAt}. 0: unknown
 * @param firstPacketAtMillis arrival of the first accepted packet, epoch milliseconds; 0: none
 * @param lastPacketAtMillis  arrival of the last accepted packet, epoch milliseconds; 0: none
 * @param packetsAfterStop    packets accepted after the stop was handled (the release linger
 *                            and the drain of the socket), included in {@code packetsAccepted}
 * @param tailDrained         whether every datagram queued on the socket at the end was read
 *                            before it was closed (false: the drain timed out, the tail may be short)
 */
public record RecordingEnded(String recordingId, String reason, long endedAtMillis, long packetsAccepted,
                             Map<String, Long> droppedByReason, long chunks, Map<String, String> fields,
                             long stopHandledAtMillis, long firstPacketAtMillis, long lastPacketAtMillis,
                             long packetsAfterStop, boolean tailDrained) {

    public RecordingEnded {
        droppedByReason = Map.copyOf(droppedByReason);
        fields = Map.copyOf(fields);
    }

    /** An end record without timing (storage's own ends, such as {@code ingest-lost}). */
    public RecordingEnded(String recordingId, String reason, long endedAtMillis, long packetsAccepted,
                          Map<String, Long> droppedByReason, long chunks, Map<String, String> fields) {
        this(recordingId, reason, endedAtMillis, packetsAccepted, droppedByReason, chunks, fields, 0, 0, 0, 0, true);
    }

    Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("recordingId", recordingId);
        m.put("reason", reason);
        m.put("endedAt", Long.toString(endedAtMillis));
        m.put("packetsAccepted", Long.toString(packetsAccepted));
        m.put("chunks", Long.toString(chunks));
        m.put("stopHandledAt", Long.toString(stopHandledAtMillis));
        m.put("firstPacketAt", Long.toString(firstPacketAtMillis));
        m.put("lastPacketAt", Long.toString(lastPacketAtMillis));
        m.put("packetsAfterStop", Long.toString(packetsAfterStop));
        m.put("tailDrained", Boolean.toString(tailDrained));
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
                Long.parseLong(m.get("packetsAccepted")), dropped, Long.parseLong(m.get("chunks")), fields,
                longOr(m, "stopHandledAt"), longOr(m, "firstPacketAt"), longOr(m, "lastPacketAt"),
                longOr(m, "packetsAfterStop"), !"false".equals(m.get("tailDrained")));
    }

    private static long longOr(Map<String, String> m, String key) {
        String v = m.get(key);
        return v == null ? 0 : Long.parseLong(v);
    }
}
