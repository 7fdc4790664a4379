package org.callrec.catalog.recording;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A recording as the index holds it: the summary the search returns, and (not in the JSON)
 * where its objects are.
 */
@JsonPropertyOrder({"id", "tenant", "device", "direction", "localNumber", "remoteNumber", "codec", "startedAt",
    "endedAt", "durationSeconds", "stopReason", "intact", "audioBytes", "segments", "held"})
public record Recording(String id, String tenant, String device, String direction, String localNumber,
                        String remoteNumber, String codec, Instant startedAt, Instant endedAt,
                        double durationSeconds, String stopReason, boolean intact, long audioBytes,
                        @JsonIgnore String bucket, @JsonIgnore String metadataKey,
                        @JsonIgnore List<IndexEntry.Segment> audio, @JsonIgnore Hold hold) {

    /** A legal hold: when, by whom, why. */
    @JsonPropertyOrder({"heldAt", "heldBy", "reason"})
    public record Hold(Instant heldAt, String heldBy, String reason) {
    }

    /** Number of WAV objects. */
    @JsonProperty
    public int segments() {
        return audio.size();
    }

    /** Whether it is under legal hold. */
    @JsonProperty
    public boolean held() {
        return hold != null;
    }

    /** Key of the marker object that keeps a legal hold in the bucket (so reindex restores it). */
    @JsonIgnore
    public String holdMarkerKey() {
        return holdMarkerOf(metadataKey);
    }

    /** The hold marker of the metadata document {@code metadataKey}. */
    public static String holdMarkerOf(String metadataKey) {
        String base = metadataKey.endsWith(".json") ? metadataKey.substring(0, metadataKey.length() - 5) : metadataKey;
        return base + HOLD_MARKER_SUFFIX;
    }

    /** How a hold marker's key ends. */
    public static final String HOLD_MARKER_SUFFIX = ".hold.json";
}
