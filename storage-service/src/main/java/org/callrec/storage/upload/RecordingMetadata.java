package org.callrec.storage.upload;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The JSON document stored next to each WAV file (described field by field in
 * {@code docs/metadata.md}). Built from the START and END records and the timeline statistics
 * only — never from the time it is written — so storing a recording twice writes the same bytes.
 */
@JsonPropertyOrder({"recordingId", "source", "tenant", "phone", "direction", "codec", "localNumber", "localName",
    "remoteNumber", "remoteName", "atStop", "fields", "startRequest", "stopRequest", "startedAt", "endedAt", "durationSeconds", "stopReason",
    "ingestNode", "bucket", "audio", "metadataKey", "sseKmsKeyId", "quality", "phoneFile"})
public record RecordingMetadata(
        String recordingId,
        String tenant,
        Phone phone,
        String direction,
        String codec,
        String localNumber,
        String localName,
        String remoteNumber,
        String remoteName,
        @JsonInclude(JsonInclude.Include.NON_NULL) Parties atStop,
        Map<String, String> fields,
        Map<String, String> startRequest,
        Map<String, String> stopRequest,
        String startedAt,
        String endedAt,
        double durationSeconds,
        String stopReason,
        String ingestNode,
        String bucket,
        Audio audio,
        String metadataKey,
        @JsonInclude(JsonInclude.Include.NON_NULL) String sseKmsKeyId,
        Quality quality,
        String source,
        @JsonInclude(JsonInclude.Include.NON_NULL) PhoneFile phoneFile) {

    /** {@code source} of a recording received as RTP from a phone. */
    public static final String SOURCE_NETWORK = "network";
    /** {@code source} of a recording imported from the phone's own file (USB stick). */
    public static final String SOURCE_PHONE_FILE = "phone-file";

    /** The phone that recorded. */
    @JsonPropertyOrder({"sessionId", "device", "address"})
    public record Phone(String sessionId, String device, String address) {
    }

    /** Numbers and names as the stop command gave them, where they differ from the start command's. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"localNumber", "localName", "remoteNumber", "remoteName"})
    public record Parties(String localNumber, String localName, String remoteNumber, String remoteName) {
    }

    /** The stored audio: format, and the WAV objects (one per segment). */
    @JsonPropertyOrder({"key", "format", "sampleRate", "channels", "bytes", "segments"})
    public record Audio(String key, String format, int sampleRate, int channels, long bytes, List<Segment> segments) {
    }

    /** One WAV object of the recording. */
    @JsonPropertyOrder({"index", "key", "startSeconds", "durationSeconds", "bytes"})
    public record Segment(int index, String key, double startSeconds, double durationSeconds, long bytes) {
    }

    /** What the RTP stream looked like. */
    @JsonPropertyOrder({"intact", "problems", "capTripped", "callDurationMs", "audioDurationMs", "packetsReceived",
        "packetsExpected", "packetsPlaced", "packetsLost", "packetsDuplicated",
        "packetsLate", "droppedByReason", "ingestPacketsAccepted", "ingestDroppedByReason", "storageDroppedByReason",
        "otherPayloadTypes", "ssrcChanges", "streamRestarts", "timestampResets", "maxJitterMs", "gaps", "gapsOmitted"})
    public record Quality(boolean intact, List<String> problems, @JsonInclude(JsonInclude.Include.NON_NULL) String capTripped,
                          long callDurationMs, long audioDurationMs, long packetsReceived, long packetsExpected,
                          long packetsPlaced, long packetsLost,
                          long packetsDuplicated, long packetsLate, Map<String, Long> droppedByReason,
                          long ingestPacketsAccepted, Map<String, Long> ingestDroppedByReason,
                          Map<String, Long> storageDroppedByReason, Map<String, Long> otherPayloadTypes,
                          int ssrcChanges, int streamRestarts, int timestampResets, double maxJitterMs, List<Gap> gaps,
                          long gapsOmitted) {
    }

    /** How an imported phone file was laid out (only for {@code source = phone-file}). */
    @JsonPropertyOrder({"fileName", "codecName", "byteOrder", "rtpHeader", "rtpLen", "increment", "dataSize", "units", "sha256"})
    public record PhoneFile(String fileName, String codecName, String byteOrder, String rtpHeader, int rtpLen,
                            int increment, long dataSize, long units, String sha256) {
    }

    /** A gap in the RTP (see {@code storage.gap.*}): where it is in the audio, how long it was, what was kept. */
    @JsonPropertyOrder({"atSeconds", "lengthSeconds", "keptSeconds", "action"})
    public record Gap(double atSeconds, double lengthSeconds, double keptSeconds, String action) {
    }
}
