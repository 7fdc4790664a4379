package org.callrec.benchmark;

import java.util.Locale;

import org.callrec.core.protocol.MacAddress;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The fields of a "recording completed" event the benchmark uses, plus when it was received.
 *
 * @param recordingId      server-side recording id
 * @param tenant           tenant
 * @param bucket           bucket of the objects (empty when the event names none)
 * @param audioKey         object key of the audio
 * @param metadataKey      object key of the metadata JSON
 * @param phoneSessionId   the phone's own {@code id}
 * @param device           the phone's MAC address
 * @param codec            codec
 * @param durationSeconds  recorded duration, NaN when absent
 * @param stopReason       why the recording ended
 * @param publishedAtMillis the Kafka record's timestamp (producer create time, epoch ms)
 * @param receivedAtMillis epoch milliseconds when the benchmark's consumer got the event
 */
record CompletionEvent(String recordingId, String tenant, String bucket, String audioKey, String metadataKey,
                       String phoneSessionId, String device, String codec, double durationSeconds, String stopReason,
                       long publishedAtMillis, long receivedAtMillis) {

    /** The event type this benchmark waits for. */
    static final String TYPE = "recording.completed";

    /** Reads an event; null when the JSON is another event type. */
    static CompletionEvent from(JsonNode json, long publishedAtMillis, long receivedAtMillis) {
        String type = json.path("type").asText("");
        if (!type.isEmpty() && !type.equals(TYPE)) {
            return null;
        }
        JsonNode duration = json.path("durationSeconds");
        return new CompletionEvent(text(json, "recordingId"), text(json, "tenant"), text(json, "bucket"),
                text(json, "audioKey"), text(json, "metadataKey"), text(json, "phoneSessionId"), text(json, "device"),
                text(json, "codec"), duration.isNumber() ? duration.asDouble() : Double.NaN, text(json, "stopReason"),
                publishedAtMillis, receivedAtMillis);
    }

    /** The key matching an event to a simulated phone. */
    String phoneKey() {
        return phoneKey(phoneSessionId, device);
    }

    /** Phone session id + normalised MAC address: how events are matched to phones. */
    static String phoneKey(String sessionId, String device) {
        String mac = MacAddress.normalize(device).orElse(device == null ? "" : device.strip().toLowerCase(Locale.ROOT));
        return sessionId + "|" + mac;
    }

    private static String text(JsonNode json, String field) {
        JsonNode n = json.path(field);
        return n.isValueNode() ? n.asText() : "";
    }
}
