package org.callrec.core.completion;

import java.util.List;

/**
 * The "recording completed" event: published by storage-service (JSON, keyed by recording id) on
 * the completed topic ({@link org.callrec.core.chunk.Topics#COMPLETED}) once a recording's WAV
 * and JSON are stored, and read by whoever waits for recordings (the benchmark, downstream
 * consumers). Delivery is at least once: a consumer may see the same recording more than once.
 *
 * <p>The wire form is one flat JSON object whose member names are the component names, in the
 * order of {@link #FIELDS}; {@link #toJson()} writes it and {@link #fromJson(String)} reads it,
 * in plain code (no JSON library).
 *
 * @param type            always {@link #TYPE}
 * @param recordingId     server-side recording id
 * @param tenant          tenant
 * @param bucket          bucket of the objects
 * @param audioKey        object key of the (first) audio file
 * @param metadataKey     object key of the metadata JSON
 * @param phoneSessionId  the phone's own {@code id}
 * @param device          the phone's MAC address
 * @param codec           codec name
 * @param durationSeconds recorded duration
 * @param stopReason      why the recording ended
 * @param startedAt       ISO-8601 instant of the start
 * @param endedAt         ISO-8601 instant of the end
 * @param completedAt     ISO-8601 instant when storage had stored the objects
 * @param source          where the audio came from ({@code network}, {@code phone-file})
 * @param audioBytes      total bytes of the recording's audio objects (every WAV segment, headers
 *                        included): what the recording occupies in the bucket apart from its
 *                        metadata; 0 when the event does not say (written before the member existed)
 */
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
        String source,
        long audioBytes) {

    /** As the event was before {@code audioBytes}: with {@code audioBytes} 0 (unknown). */
    public CompletionEvent(String type, String recordingId, String tenant, String bucket, String audioKey,
                           String metadataKey, String phoneSessionId, String device, String codec,
                           double durationSeconds, String stopReason, String startedAt, String endedAt,
                           String completedAt, String source) {
        this(type, recordingId, tenant, bucket, audioKey, metadataKey, phoneSessionId, device, codec, durationSeconds,
                stopReason, startedAt, endedAt, completedAt, source, 0);
    }

    /** Value of {@code type}. */
    public static final String TYPE = "recording.completed";

    /** The JSON member names, in the order they are written. */
    public static final List<String> FIELDS = List.of("type", "recordingId", "tenant", "bucket", "audioKey",
            "metadataKey", "phoneSessionId", "device", "codec", "durationSeconds", "stopReason", "startedAt", "endedAt",
            "completedAt", "source", "audioBytes");

    /**
     * The event as JSON: one line, members in the order of {@link #FIELDS}, a null string as
     * {@code null}, byte for byte what a default Jackson {@code ObjectMapper} writes for it.
     */
    public String toJson() {
        return CompletionEventJson.write(this);
    }

    /**
     * Reads an event leniently, as a consumer should: unknown members are ignored, a text member
     * that is absent, {@code null} or not a plain value reads as {@code ""}, a number or boolean as
     * its text, a {@code durationSeconds} that is not a number as NaN, an {@code audioBytes} that is
     * absent or not a whole number as 0.
     *
     * @throws IllegalArgumentException when the text is not one JSON object
     */
    public static CompletionEvent fromJson(String json) {
        return CompletionEventJson.read(json);
    }

    /** Whether this is a completion event: its {@code type} is {@link #TYPE}, or absent. */
    public boolean isCompletion() {
        return type.isEmpty() || TYPE.equals(type);
    }
}
