package org.callrec.storage.upload;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.callrec.core.completion.CompletionEvent;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The completion event moved from this service (where Jackson wrote it) to recorder-core (which
 * writes it in plain code): what goes on the wire must be byte for byte what Jackson wrote.
 */
class CompletionEventWireTest {

    /**
     * The event as this service defined it before the move, with its Jackson annotation (and the
     * {@code audioBytes} member added since, a {@code long} as Jackson writes one).
     */
    @JsonPropertyOrder({"type", "recordingId", "tenant", "bucket", "audioKey", "metadataKey", "phoneSessionId", "device",
        "codec", "durationSeconds", "stopReason", "startedAt", "endedAt", "completedAt", "source", "audioBytes"})
    record JacksonEvent(String type, String recordingId, String tenant, String bucket, String audioKey,
                        String metadataKey, String phoneSessionId, String device, String codec, double durationSeconds,
                        String stopReason, String startedAt, String endedAt, String completedAt, String source,
                        long audioBytes) {

        static JacksonEvent of(CompletionEvent e) {
            return new JacksonEvent(e.type(), e.recordingId(), e.tenant(), e.bucket(), e.audioKey(), e.metadataKey(),
                    e.phoneSessionId(), e.device(), e.codec(), e.durationSeconds(), e.stopReason(), e.startedAt(),
                    e.endedAt(), e.completedAt(), e.source(), e.audioBytes());
        }
    }

    private final ObjectMapper json = new ObjectMapper();

    @Test
    @DisplayName("core writes the completion event exactly as Jackson wrote this service's record")
    void coreWritesWhatJacksonWrote() throws Exception {
        String now = Instant.parse("2025-03-04T05:07:01.123Z").toString();
        List<CompletionEvent> events = List.of(
                new CompletionEvent(CompletionEvent.TYPE, "rec-1", "acme", "recordings", "acme/2025/03/04/rec-1.wav",
                        "acme/2025/03/04/rec-1.json", "phone-17", "00:15:65:aa:bb:cc", "PCMA", 1.5, "normal",
                        "2025-03-04T05:06:07.089Z", "2025-03-04T05:06:08.589Z", now, "network"),
                // awkward values: escapes, control characters, non-ASCII, nulls, odd doubles
                new CompletionEvent(CompletionEvent.TYPE, "rec-\"2\"\\", "t\n\t\r\b\f\u0001\u001f\u007f", null,
                        "ключ/é€😀", "", null, "", "G722", 12345678.9, "transfer", "", "", now, "phone-file"),
                new CompletionEvent(CompletionEvent.TYPE, "r", "t", "b", "a", "m", "p", "d", "PCMU", 1.0E-5, "s", "x",
                        "y", now, "network"),
                new CompletionEvent(CompletionEvent.TYPE, "r", "t", "b", "a", "m", "p", "d", "PCMU", 3.0E10, "s", "x",
                        "y", now, "network"),
                new CompletionEvent(CompletionEvent.TYPE, "r", "t", "b", "a", "m", "p", "d", "PCMU", Double.NaN, "s", "x",
                        "y", now, "network"),
                // audioBytes: 0, an ordinary size, and one beyond 2^53 (a double would round it)
                new CompletionEvent(CompletionEvent.TYPE, "r", "t", "b", "a", "m", "p", "d", "PCMA", 2.0, "s", "x",
                        "y", now, "network", 32_044L),
                new CompletionEvent(CompletionEvent.TYPE, "r", "t", "b", "a", "m", "p", "d", "PCMA", 2.0, "s", "x",
                        "y", now, "network", Long.MAX_VALUE));

        for (CompletionEvent e : events) {
            assertThat(e.toJson()).isEqualTo(json.writeValueAsString(JacksonEvent.of(e)));
            assertThat(CompletionEvent.fromJson(e.toJson()).audioBytes()).isEqualTo(e.audioBytes());
        }
    }
}
