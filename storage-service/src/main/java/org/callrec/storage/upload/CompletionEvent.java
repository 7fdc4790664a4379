package org.callrec.storage.upload;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Published (JSON, keyed by recording id) on the completed topic once a recording's WAV and JSON
 * are stored. Delivery is at least once: a consumer may see the same recording more than once.
 */
@JsonPropertyOrder({"type", "recordingId", "tenant", "bucket", "audioKey", "metadataKey", "phoneSessionId", "device",
    "codec", "durationSeconds", "stopReason", "startedAt", "endedAt", "completedAt", "source"})
public record CompletionEvent(
        String type,
        String recordingId,
        String tenant,
        String bucket,
        String audioKey,
        String metadataKey,
        String phoneSessionId,
        String device,
        String codec,
        double durationSeconds,
        String stopReason,
        String startedAt,
        String endedAt,
        String completedAt,
        String source) {

    /** Value of {@code type}. */
    public static final String TYPE = "recording.completed";
}
