package org.callrec.core.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.callrec.core.chunk.StopReason;

/**
 * A {@code RecordStopRequest} in its reading (PROTOCOL.md, "RecordStopRequest"). A stop is
 * never refused for its content: an id with no open recording is answered
 * {@code unknown-recording} by whoever holds the recordings.
 *
 * @param phoneId the phone's id for the recording, stripped (empty when there was none)
 * @param reason  the phone's {@code reason}, or {@link StopReason#STOP} when absent or blank
 * @param fields  every pair the phone sent except {@code id} ({@code reason} included, as
 *                sent), in order: the call's final metadata
 */
public record StopRequest(String phoneId, String reason, Map<String, String> fields) {

    public StopRequest {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** Reads a stop command (its name is not looked at). */
    public static StopRequest of(Command stop) {
        Map<String, String> fields = new LinkedHashMap<>(stop.params());
        fields.remove("id");
        String reason = fields.getOrDefault("reason", "");
        return new StopRequest(stop.getOr("id", "").strip(), StopReason.orStop(reason), fields);
    }
}
