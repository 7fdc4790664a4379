package org.callrec.core.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.callrec.core.audio.AudioCodec;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RecordOriginTest {

    @Test
    @DisplayName("the header names the START's node and port and reads back as the same origin")
    void headerRoundTrip() {
        RecordingStarted start = new RecordingStarted("id", "acme", "p", "", AudioCodec.PCMA, "", "10.0.0.1",
                "ingest 0", 40002, 1L, Map.of());
        RecordOrigin origin = RecordOrigin.of(start);
        assertThat(new String(origin.toHeader(), StandardCharsets.UTF_8)).isEqualTo("ingest 0 40002");
        assertThat(RecordOrigin.parseHeader(origin.toHeader())).isEqualTo(new RecordOrigin("ingest 0", 40002));
    }

    @Test
    @DisplayName("a missing, portless, out-of-range or oversized header is no origin, never an exception")
    void badHeadersAreNoOrigin() {
        assertThat(RecordOrigin.parseHeader(null)).isNull();
        assertThat(RecordOrigin.parseHeader("ingest-0".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(RecordOrigin.parseHeader("ingest-0 70000".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(RecordOrigin.parseHeader("ingest-0 x".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(RecordOrigin.parseHeader(" 4000".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(RecordOrigin.parseHeader(new byte[600])).isNull();
    }
}
