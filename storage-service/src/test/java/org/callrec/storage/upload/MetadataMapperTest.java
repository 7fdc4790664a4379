package org.callrec.storage.upload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.callrec.storage.placement.ObjectKeys;
import org.callrec.core.audio.AudioCodec;
import org.callrec.core.chunk.RecordingEnded;
import org.callrec.core.chunk.RecordingStarted;
import org.callrec.core.completion.CompletionEvent;
import org.callrec.core.timeline.TimelineStats;
import org.callrec.storage.assemble.AssembledRecording;
import org.callrec.storage.assemble.SegmentedOutput;
import org.callrec.storage.assemble.WavFormat;
import org.callrec.storage.placement.Placement;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class MetadataMapperTest {

    private static final Placement AT_DEFAULT = new Placement("recordings", "acme", null, null);

    private static final long STARTED_AT = Instant.parse("2025-03-04T05:06:07.089Z").toEpochMilli();
    private static final long ENDED_AT = Instant.parse("2025-03-04T05:06:08.289Z").toEpochMilli();

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void theDocumentCarriesStartValuesTimesAudioAndQuality() throws Exception {
        AssembledRecording rec = recording(
                Map.of("local_number", "1001", "local_name", "Zoë Müller", "remote_number", "+33123456789",
                        "remote_name", "", "x-queue", "sales"),
                Map.of("local_number", "1001", "remote_name", ""));
        ObjectKeys keys = ObjectKeys.of("acme", "rec-1", STARTED_AT);

        JsonNode doc = json.readTree(json.writeValueAsBytes(MetadataMapper.metadata(rec, AT_DEFAULT, keys)));

        assertThat(doc.get("recordingId").asText()).isEqualTo("rec-1");
        assertThat(doc.get("tenant").asText()).isEqualTo("acme");
        assertThat(doc.get("source").asText()).isEqualTo("network");
        assertThat(doc.has("phoneFile")).as("only imports describe a phone file").isFalse();
        assertThat(doc.at("/phone/sessionId").asText()).isEqualTo("phone-17");
        assertThat(doc.at("/phone/device").asText()).isEqualTo("00:15:65:aa:bb:cc");
        assertThat(doc.at("/phone/address").asText()).isEqualTo("10.1.2.3");
        assertThat(doc.get("direction").asText()).isEqualTo("in");
        assertThat(doc.get("codec").asText()).isEqualTo("PCMA");
        assertThat(doc.get("localName").asText()).isEqualTo("Zoë Müller");
        assertThat(doc.get("remoteNumber").asText()).isEqualTo("+33123456789");
        // unknown keys of the start command, not the known ones
        assertThat(doc.get("fields")).hasSize(1);
        assertThat(doc.at("/fields/x-queue").asText()).isEqualTo("sales");
        // the stop command repeated the same (or empty) values: no "atStop"
        assertThat(doc.has("atStop")).isFalse();
        assertThat(doc.get("startedAt").asText()).isEqualTo("2025-03-04T05:06:07.089Z");
        assertThat(doc.get("endedAt").asText()).isEqualTo("2025-03-04T05:06:08.289Z");
        assertThat(doc.get("durationSeconds").asDouble()).isEqualTo(1.0);
        assertThat(doc.get("stopReason").asText()).isEqualTo("normal");
        assertThat(doc.get("ingestNode").asText()).isEqualTo("ingest-0");
        assertThat(doc.at("/audio/key").asText()).isEqualTo("acme/2025/03/04/rec-1.wav");
        assertThat(doc.at("/audio/format").asText()).isEqualTo("pcm_s16le");
        assertThat(doc.at("/audio/sampleRate").asInt()).isEqualTo(8000);
        assertThat(doc.at("/audio/channels").asInt()).isEqualTo(1);
        assertThat(doc.at("/audio/bytes").asLong()).as("WAV object: header + data").isEqualTo(44 + 16_000);
        assertThat(doc.get("metadataKey").asText()).isEqualTo("acme/2025/03/04/rec-1.json");
        JsonNode q = doc.get("quality");
        assertThat(q.get("packetsReceived").asLong()).isEqualTo(52);
        assertThat(q.get("packetsExpected").asLong()).isEqualTo(50);
        assertThat(q.get("packetsPlaced").asLong()).isEqualTo(49);
        assertThat(q.get("packetsLost").asLong()).isEqualTo(1);
        assertThat(q.get("packetsDuplicated").asLong()).isEqualTo(1);
        assertThat(q.get("packetsLate").asLong()).isEqualTo(0);
        assertThat(q.get("ssrcChanges").asInt()).isEqualTo(0);
        assertThat(q.get("maxJitterMs").asDouble()).isEqualTo(1.235);
        // ingest's drops and the assembler's, summed where both counted the same reason
        assertThat(json.convertValue(q.get("droppedByReason"), Map.class))
                .isEqualTo(Map.of("foreign-source", 2, "payload-type", 1 + 3));
        // and each side's own counts
        assertThat(q.get("ingestPacketsAccepted").asLong()).isEqualTo(52);
        assertThat(json.convertValue(q.get("ingestDroppedByReason"), Map.class))
                .isEqualTo(Map.of("foreign-source", 2, "payload-type", 1));
        assertThat(json.convertValue(q.get("storageDroppedByReason"), Map.class)).isEqualTo(Map.of("payload-type", 3));
        assertThat(json.convertValue(q.get("otherPayloadTypes"), Map.class)).isEqualTo(Map.of("101", 2, "13", 1));
        assertThat(q.get("gaps")).hasSize(1);
        assertThat(q.at("/gaps/0/atSeconds").asDouble()).isEqualTo(0.5);
        assertThat(q.at("/gaps/0/lengthSeconds").asDouble()).isEqualTo(7200.0);
        assertThat(q.at("/gaps/0/keptSeconds").asDouble()).isEqualTo(1.0);
        assertThat(q.at("/gaps/0/action").asText()).isEqualTo("collapsed");
        // a lost packet and a collapsed gap: not intact
        assertThat(q.get("intact").asBoolean()).isFalse();
        // one segment, the recording's audio key
        assertThat(doc.at("/audio/segments")).hasSize(1);
        assertThat(doc.at("/audio/segments/0/key").asText()).isEqualTo("acme/2025/03/04/rec-1.wav");
        assertThat(doc.at("/audio/segments/0/startSeconds").asDouble()).isEqualTo(0.0);
        assertThat(doc.at("/audio/segments/0/durationSeconds").asDouble()).isEqualTo(1.0);
    }

    @Test
    void aRecordingWithoutLossOrCutGapsIsIntactWhateverForeignOrDtmfPacketsCame() throws Exception {
        TimelineStats clean = new TimelineStats(60, 50, 50, 0, 3, 0, Map.of("payload-type", 10L), Map.of(101, 10L), 1, 0,
                0, 0.5, List.of(new TimelineStats.Gap(800, 16000, 16000, TimelineStats.GapAction.KEPT)), 8000);
        RecordingMetadata m = MetadataMapper.metadata(recording(Map.of(), Map.of(), clean, List.of(segment(16_000, 0))), AT_DEFAULT,
                ObjectKeys.of("acme", "rec-1", STARTED_AT));
        assertThat(m.quality().intact()).isTrue();

        TimelineStats late = new TimelineStats(60, 49, 50, 1, 0, 1, Map.of(), Map.of(), 0, 0, 0, 0.5, List.of(), 8000);
        assertThat(MetadataMapper.metadata(recording(Map.of(), Map.of(), late, List.of(segment(16_000, 0))), AT_DEFAULT,
                ObjectKeys.of("acme", "rec-1", STARTED_AT)).quality().intact()).isFalse();
    }

    @Test
    void everySegmentIsListedWithItsKeyOffsetAndDuration() throws Exception {
        // 2.5 s of PCM16 at 8 kHz in segments of 1 s
        List<SegmentedOutput.Segment> segs = List.of(segment(16_000, 0), segment(16_000, 16_000), segment(8_000, 32_000));
        RecordingMetadata m = MetadataMapper.metadata(recording(Map.of(), Map.of(), stats(), segs), AT_DEFAULT,
                ObjectKeys.of("acme", "rec-1", STARTED_AT));

        assertThat(m.durationSeconds()).isEqualTo(2.5);
        assertThat(m.audio().key()).isEqualTo("acme/2025/03/04/rec-1.wav");
        assertThat(m.audio().bytes()).isEqualTo(3 * 44 + 40_000);
        assertThat(m.audio().segments()).containsExactly(
                new RecordingMetadata.Segment(1, "acme/2025/03/04/rec-1.wav", 0.0, 1.0, 44 + 16_000),
                new RecordingMetadata.Segment(2, "acme/2025/03/04/rec-1.part-002.wav", 1.0, 1.0, 44 + 16_000),
                new RecordingMetadata.Segment(3, "acme/2025/03/04/rec-1.part-003.wav", 2.0, 0.5, 44 + 8_000));
    }

    private static SegmentedOutput.Segment segment(long bytes, long start) {
        return new SegmentedOutput.Segment(Path.of("unused.pcm"), bytes, start);
    }

    private static TimelineStats stats() {
        return new TimelineStats(52, 49, 50, 1, 1, 0, Map.of("payload-type", 3L), Map.of(101, 2L, 13, 1L), 0, 0, 0,
                1.23456, List.of(new TimelineStats.Gap(4000, 8000L * 7200, 8000, TimelineStats.GapAction.COLLAPSED)), 8000);
    }

    @Test
    void changedNamesAtStopAreKeptApart() throws Exception {
        AssembledRecording rec = recording(
                Map.of("local_number", "1001", "remote_number", "+33123456789", "remote_name", "Unknown"),
                Map.of("local_number", "1001", "remote_number", "", "remote_name", "Zoë Müller"));

        JsonNode doc = json.readTree(json.writeValueAsBytes(
                MetadataMapper.metadata(rec, AT_DEFAULT, ObjectKeys.of("acme", "rec-1", STARTED_AT))));

        assertThat(doc.get("remoteName").asText()).isEqualTo("Unknown");
        // only what is non-empty and different
        assertThat(doc.get("atStop")).hasSize(1);
        assertThat(doc.at("/atStop/remoteName").asText()).isEqualTo("Zoë Müller");
    }

    @Test
    void theSameRecordingAlwaysGivesTheSameBytes() throws Exception {
        AssembledRecording rec = recording(Map.of("b", "2", "a", "1", "local_name", "x"), Map.of());
        ObjectKeys keys = ObjectKeys.of("acme", "rec-1", STARTED_AT);

        byte[] once = json.writeValueAsBytes(MetadataMapper.metadata(rec, AT_DEFAULT, keys));
        byte[] twice = json.writeValueAsBytes(MetadataMapper.metadata(rec, AT_DEFAULT, keys));

        assertThat(twice).isEqualTo(once);
    }

    @Test
    void theCompletionEventPointsAtBothObjects() {
        RecordingMetadata m = MetadataMapper.metadata(recording(Map.of(), Map.of()), AT_DEFAULT,
                ObjectKeys.of("acme", "rec-1", STARTED_AT));

        CompletionEvent e = MetadataMapper.completion(m, Instant.parse("2025-03-04T05:07:01Z"));

        assertThat(e.type()).isEqualTo("recording.completed");
        assertThat(e.bucket()).isEqualTo("recordings");
        assertThat(e.audioKey()).isEqualTo("acme/2025/03/04/rec-1.wav");
        assertThat(e.metadataKey()).isEqualTo("acme/2025/03/04/rec-1.json");
        assertThat(e.durationSeconds()).isEqualTo(1.0);
        assertThat(e.completedAt()).isEqualTo("2025-03-04T05:07:01Z");
        assertThat(e.source()).isEqualTo("network");
        // the one segment: a 44-byte header and 16 000 bytes of PCM
        assertThat(e.audioBytes()).isEqualTo(44 + 16_000).isEqualTo(m.audio().bytes());
    }

    @Test
    void theDocumentAndTheEventNameTheRecordingsOwnBucketAndKmsKey() throws Exception {
        Placement tenant = new Placement("acme-archive", "acme/calls", "arn:aws:kms:eu-west-1:111122223333:key/k-1", null);
        List<SegmentedOutput.Segment> segs = List.of(segment(16_000, 0), segment(8_000, 16_000));
        RecordingMetadata m = MetadataMapper.metadata(recording(Map.of(), Map.of(), stats(), segs), tenant,
                ObjectKeys.under(tenant.prefix(), "rec-1", STARTED_AT));

        JsonNode doc = json.readTree(json.writeValueAsBytes(m));
        assertThat(doc.get("bucket").asText()).isEqualTo("acme-archive");
        assertThat(doc.get("sseKmsKeyId").asText()).isEqualTo(tenant.kmsKeyId());
        assertThat(doc.at("/audio/segments/1/key").asText()).isEqualTo("acme/calls/2025/03/04/rec-1.part-002.wav");
        CompletionEvent e = MetadataMapper.completion(m, Instant.parse("2025-03-04T05:07:01Z"));
        assertThat(e.bucket()).isEqualTo("acme-archive");
        assertThat(e.audioKey()).isEqualTo("acme/calls/2025/03/04/rec-1.wav");
        assertThat(e.metadataKey()).isEqualTo("acme/calls/2025/03/04/rec-1.json");
        assertThat(e.audioBytes()).as("both segments, headers included").isEqualTo(44 + 16_000 + 44 + 8_000);
        // without KMS the member is left out
        JsonNode plain = json.readTree(json.writeValueAsBytes(MetadataMapper.metadata(recording(Map.of(), Map.of()),
                AT_DEFAULT, ObjectKeys.of("acme", "rec-1", STARTED_AT))));
        assertThat(plain.has("sseKmsKeyId")).isFalse();
        assertThat(plain.get("bucket").asText()).isEqualTo("recordings");
    }

    private static AssembledRecording recording(Map<String, String> startFields, Map<String, String> stopFields) {
        RecordingStarted start = new RecordingStarted("rec-1", "acme", "phone-17", "00:15:65:aa:bb:cc", AudioCodec.PCMA,
                "in", "10.1.2.3", "ingest-0", 40000, STARTED_AT, startFields);
        RecordingEnded end = new RecordingEnded("rec-1", "normal", ENDED_AT, 52,
                Map.of("foreign-source", 2L, "payload-type", 1L), 3, stopFields);
        return recording(startFields, stopFields, stats(), List.of(segment(16_000, 0)));
    }

    private static AssembledRecording recording(Map<String, String> startFields, Map<String, String> stopFields,
                                                TimelineStats stats, List<SegmentedOutput.Segment> segments) {
        RecordingStarted start = new RecordingStarted("rec-1", "acme", "phone-17", "00:15:65:aa:bb:cc", AudioCodec.PCMA,
                "in", "10.1.2.3", "ingest-0", 40000, STARTED_AT, startFields);
        RecordingEnded end = new RecordingEnded("rec-1", "normal", ENDED_AT, 52,
                Map.of("foreign-source", 2L, "payload-type", 1L), 3, stopFields);
        return new AssembledRecording(start, end, stats, WavFormat.pcm16(8000), segments);
    }
}
