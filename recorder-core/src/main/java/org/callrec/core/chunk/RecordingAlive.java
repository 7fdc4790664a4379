package org.callrec.core.chunk;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The liveness record of an open recording, keyed (like all its records) by the recording id.
 * An ingest node sends one for each recording it still holds that published no other record
 * for a while, so that storage-service can tell a silent call (held, muted) from a lost node.
 *
 * @param recordingId  the recording
 * @param ingestNode   the node that holds it
 * @param sentAtMillis when the node sent this record, epoch milliseconds
 */
public record RecordingAlive(String recordingId, String ingestNode, long sentAtMillis) {

    Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("recordingId", recordingId);
        m.put("ingestNode", ingestNode);
        m.put("sentAt", Long.toString(sentAtMillis));
        return m;
    }

    static RecordingAlive fromMap(Map<String, String> m) {
        return new RecordingAlive(m.get("recordingId"), m.get("ingestNode"), Long.parseLong(m.get("sentAt")));
    }
}
