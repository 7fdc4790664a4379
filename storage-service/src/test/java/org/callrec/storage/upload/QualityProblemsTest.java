package org.callrec.storage.upload;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.callrec.storage.placement.ObjectKeys;
import org.callrec.core.audio.AudioCodec;
import org.callrec.core.chunk.RecordingEnded;
import org.callrec.core.chunk.RecordingStarted;
import org.callrec.core.chunk.StopReason;
import org.callrec.core.timeline.TimelineCap;
import org.callrec.core.timeline.TimelineStats;
import org.callrec.storage.assemble.AssembledRecording;
import org.callrec.storage.assemble.SegmentedOutput;
import org.callrec.storage.assemble.WavFormat;
import org.callrec.storage.placement.Placement;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@code quality.intact} is false, with its reasons in {@code quality.problems}, whenever audio is known to be missing. */
class QualityProblemsTest {

    private static final long STARTED_AT = Instant.parse("2025-03-04T05:06:07Z").toEpochMilli();
    private static final ObjectKeys KEYS = ObjectKeys.of("acme", "rec-1", STARTED_AT);

    /** A PCMA recording of {@code placed} 20 ms packets (all in sequence), its call lasting {@code callMs}. */
    private static RecordingMetadata.Quality quality(long placed, long callMs, String reason, Map<String, Long> ingestDropped,
                                                     TimelineCap cap) {
        TimelineStats stats = new TimelineStats(placed, placed, placed, 0, 0, 0, Map.of(), Map.of(), 0, 0, 0, 0.0,
                List.of(), placed * 160, 0, 0, placed > 0 ? 160 : 0, cap);
        RecordingStarted start = new RecordingStarted("rec-1", "acme", "p", "00:15:65:aa:bb:cc", AudioCodec.PCMA, "in",
                "10.1.2.3", "ingest-0", 40000, STARTED_AT, Map.of());
        RecordingEnded end = new RecordingEnded("rec-1", reason, STARTED_AT + callMs, placed, ingestDropped, 1, Map.of());
        AssembledRecording rec = new AssembledRecording(start, end, stats, WavFormat.pcm16(8000),
                List.of(new SegmentedOutput.Segment(java.nio.file.Path.of("x.pcm"), placed * 320, 0)));
        return MetadataMapper.metadata(rec, new Placement("recordings", "acme", null, null), KEYS, Duration.ofMillis(300)).quality();
    }

    @Test
    @DisplayName("60 s of audio in a call of 60.2 s (the ingest linger): intact, both lengths reported")
    void wholeCallIsIntact() {
        RecordingMetadata.Quality q = quality(3000, 60_200, "normal", Map.of(), null);
        assertThat(q.intact()).isTrue();
        assertThat(q.problems()).isEmpty();
        assertThat(q.callDurationMs()).isEqualTo(60_200);
        assertThat(q.audioDurationMs()).isEqualTo(60_000);
        assertThat(q.packetsExpected()).isEqualTo(3000);
    }

    @Test
    @DisplayName("every packet dropped foreign-source: 0 s stored, intact false for no-media and the length")
    void foreignOnlyCall() {
        RecordingMetadata.Quality q = quality(0, 60_200, "normal", Map.of("foreign-source", 3000L), null);
        assertThat(q.intact()).isFalse();
        assertThat(q.problems()).contains("no-media", "length-mismatch", "packet-loss");
        assertThat(q.audioDurationMs()).isZero();
        assertThat(q.callDurationMs()).isEqualTo(60_200);
        assertThat(q.packetsExpected()).as("from the call's length, 20 ms packets").isEqualTo((60_200 - 300) / 20);
    }

    @Test
    @DisplayName("the last 660 ms never arrived (no sequence gap shows it): intact false, the tail counted lost")
    void tailLoss() {
        RecordingMetadata.Quality q = quality(2967, 60_200, "normal", Map.of(), null);
        assertThat(q.intact()).isFalse();
        assertThat(q.problems()).containsExactly("packet-loss", "length-mismatch");
        assertThat(q.audioDurationMs()).isEqualTo(59_340);
        assertThat(q.callDurationMs()).isEqualTo(60_200);
        assertThat(q.packetsLost()).isEqualTo((60_200 - 300) / 20 - 2967);
    }

    @Test
    @DisplayName("the ingest node closed the port before its queue was read: intact false, tail-not-drained")
    void tailNotDrained() {
        TimelineStats stats = new TimelineStats(3000, 3000, 3000, 0, 0, 0, Map.of(), Map.of(), 0, 0, 0, 0.0,
                List.of(), 3000 * 160, 0, 0, 160, null);
        RecordingStarted start = new RecordingStarted("rec-1", "acme", "p", "00:15:65:aa:bb:cc", AudioCodec.PCMA, "in",
                "10.1.2.3", "ingest-0", 40000, STARTED_AT, Map.of());
        RecordingEnded end = new RecordingEnded("rec-1", "normal", STARTED_AT + 60_200, 3000, Map.of(), 1, Map.of(),
                STARTED_AT + 60_000, STARTED_AT + 20, STARTED_AT + 60_000, 3, false);
        AssembledRecording rec = new AssembledRecording(start, end, stats, WavFormat.pcm16(8000),
                List.of(new SegmentedOutput.Segment(java.nio.file.Path.of("x.pcm"), 3000 * 320, 0)));
        RecordingMetadata.Quality q = MetadataMapper.metadata(rec, new Placement("recordings", "acme", null, null), KEYS, Duration.ofMillis(300)).quality();
        assertThat(q.intact()).isFalse();
        assertThat(q.problems()).containsExactly("tail-not-drained");
    }

    @Test
    @DisplayName("a cap tripped: intact false, the cap named; the length is not compared (storage ended it)")
    void capTripped() {
        RecordingMetadata.Quality q = quality(500, 10_000, StopReason.CAP_TRIPPED.token(), Map.of(),
                TimelineCap.AUDIO_LENGTH);
        assertThat(q.intact()).isFalse();
        assertThat(q.capTripped()).isEqualTo("audio-length");
        assertThat(q.problems()).containsExactly("cap-tripped");
    }
}
