package org.callrec.storage.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.common.errors.TimeoutException;
import org.callrec.core.audio.AudioCodec;
import org.callrec.core.audio.WavFile;
import org.callrec.core.chunk.RecordingEnded;
import org.callrec.core.chunk.RecordingStarted;
import org.callrec.core.completion.CompletionEvent;
import org.callrec.core.timeline.TimelineStats;
import org.callrec.storage.assemble.AssembledRecording;
import org.callrec.storage.assemble.SegmentedOutput;
import org.callrec.storage.assemble.WavFormat;
import org.callrec.storage.config.StorageConfig;
import org.callrec.storage.metrics.StorageMetrics;
import org.callrec.storage.placement.Placement;
import org.callrec.storage.placement.PlacementResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.minio.errors.MinioException;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** The upload pool against an S3 and a Kafka that fail on demand. */
class RecordingUploaderTest {

    private static final long STARTED_AT = Instant.parse("2025-03-04T05:06:07.089Z").toEpochMilli();

    @TempDir
    Path workDir;

    private final FlakyS3 s3 = new FlakyS3();
    private final RecordingPublisher publisher = new RecordingPublisher();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<RecordingUploader.Outcome> outcomes = new CopyOnWriteArrayList<>();
    /** {@code storage.s3.endpoint}: decides whether SSE-KMS can be sent. */
    private String endpoint = "https://s3.example.net";
    private RecordingUploader uploader;

    @AfterEach
    void stop() {
        if (uploader != null) {
            uploader.shutdown();
        }
    }

    @Test
    void storesWavThenJsonThenPublishesTheEventAndDeletesTheSpillFile() throws Exception {
        uploader = uploader(Map.of());
        Path spill = spill(new byte[] {1, 0, 2, 0, 3, 0, 4, 0});

        uploader.submit(recording(spill, 8), outcomes::add);
        await().atMost(Duration.ofSeconds(5)).until(() -> outcomes.size() == 1);

        assertThat(outcomes).containsExactly(RecordingUploader.Outcome.STORED);
        assertThat(s3.puts).containsExactly(
                "acme/2025/03/04/rec-1.wav audio/wav",
                "acme/2025/03/04/rec-1.json application/json");
        WavFile wav = WavFile.parse(s3.lastWav);
        assertThat(wav.samples()).containsExactly((short) 1, (short) 2, (short) 3, (short) 4);
        assertThat(publisher.events).singleElement().satisfies(e -> assertThat(e)
                .startsWith("rec-1 {\"type\":\"recording.completed\",\"recordingId\":\"rec-1\"")
                .contains("\"completedAt\":\"2025-03-04T06:00:00Z\""));
        assertThat(spill).doesNotExist();
        assertThat(registry.counter("callrec.storage.recordings.stored").count()).isEqualTo(1);
        assertThat(uploader.inFlight()).isZero();
        // where its time went: one sample per stage
        for (String stage : List.of("queued", "audio", "metadata", "spill", "event")) {
            assertThat(registry.get("callrec.storage.upload.stage").tag("stage", stage).timer().count())
                    .as(stage).isEqualTo(1);
        }
    }

    @Test
    void aRecordingInSegmentsStoresEveryWavUnderItsNumberedKeyThenTheJsonAndDeletesEverySpillFile() throws Exception {
        uploader = uploader(Map.of());
        // two G.711 segments: the bytes as on the wire, format tag 6
        Path first = spillFile("rec-1-1.wav", WavFormat.ALAW, new byte[] {(byte) 0xD5, 0x55, 0x2A, 0x11});
        Path second = spillFile("rec-1-2.wav", WavFormat.ALAW, new byte[] {0x7F, (byte) 0x80});
        RecordingStarted start = new RecordingStarted("rec-1", "acme", "p", "00:15:65:aa:bb:cc", AudioCodec.PCMA, "in",
                "10.1.2.3", "ingest-0", 40000, STARTED_AT, Map.of());
        RecordingEnded end = new RecordingEnded("rec-1", "normal", STARTED_AT + 1000, 1, Map.of(), 1, Map.of());
        TimelineStats stats = new TimelineStats(1, 1, 1, 0, 0, 0, Map.of(), Map.of(), 0, 0, 0, 0, List.of(), 6);
        AssembledRecording rec = new AssembledRecording(start, end, stats, WavFormat.ALAW,
                List.of(new SegmentedOutput.Segment(first, 4, 0), new SegmentedOutput.Segment(second, 2, 4)));

        uploader.submit(rec, outcomes::add);
        await().atMost(Duration.ofSeconds(5)).until(() -> outcomes.size() == 1);

        assertThat(outcomes).containsExactly(RecordingUploader.Outcome.STORED);
        assertThat(s3.puts).containsExactly(
                "acme/2025/03/04/rec-1.wav audio/wav",
                "acme/2025/03/04/rec-1.part-002.wav audio/wav",
                "acme/2025/03/04/rec-1.json application/json");
        WavFile wav = WavFile.parse(s3.lastWav);
        assertThat(wav.formatTag()).isEqualTo(6);
        assertThat(wav.bitsPerSample()).isEqualTo(8);
        assertThat(wav.data()).containsExactly(0x7F, 0x80);
        assertThat(first).doesNotExist();
        assertThat(second).doesNotExist();
    }

    @Test
    void aDifferentWavUnderTheKeyStopsTheRecordingThereCountedWithoutAnEvent() throws Exception {
        uploader = uploader(Map.of());
        Path spill = spill(new byte[] {1, 0, 2, 0});
        s3.wavWrite = S3Store.Write.CONFLICT;

        uploader.submit(recording(spill, 4), outcomes::add);
        await().atMost(Duration.ofSeconds(5)).until(() -> outcomes.size() == 1);

        // the JSON of the first recording stays too: nothing more is written, nothing announced
        assertThat(outcomes).containsExactly(RecordingUploader.Outcome.CONFLICT);
        assertThat(s3.puts).containsExactly("acme/2025/03/04/rec-1.wav audio/wav");
        assertThat(publisher.events).isEmpty();
        assertThat(spill).doesNotExist();
        assertThat(registry.counter("callrec.storage.objects.conflicts", "object", "audio").count()).isEqualTo(1);
        assertThat(registry.counter("callrec.storage.recordings.failed", "reason", "object-conflict").count())
                .isEqualTo(1);
        assertThat(registry.counter("callrec.storage.recordings.stored").count()).isZero();
    }

    @Test
    void anIdenticalReUploadIsStoredAgainAndAnnouncedWithoutWritingBytes() throws Exception {
        uploader = uploader(Map.of());
        Path spill = spill(new byte[] {1, 0, 2, 0});
        s3.wavWrite = S3Store.Write.IDENTICAL;
        s3.jsonWrite = S3Store.Write.IDENTICAL;

        uploader.submit(recording(spill, 4), outcomes::add);
        await().atMost(Duration.ofSeconds(5)).until(() -> outcomes.size() == 1);

        assertThat(outcomes).containsExactly(RecordingUploader.Outcome.STORED);
        assertThat(publisher.events).hasSize(1);
        assertThat(registry.counter("callrec.storage.objects.unchanged", "object", "audio").count()).isEqualTo(1);
        assertThat(registry.counter("callrec.storage.objects.unchanged", "object", "metadata").count()).isEqualTo(1);
        assertThat(registry.counter("callrec.storage.bytes.stored", "object", "audio").count()).isZero();
    }

    @Test
    void aFailingStepIsRetriedWithBackoffFromWhereItFailed() throws Exception {
        uploader = uploader(Map.of());
        Path spill = spill(new byte[16]);
        // S3 refuses the JSON twice, Kafka refuses the event once
        s3.jsonFailures.set(2);
        publisher.failures.set(1);

        uploader.submit(recording(spill, 16), outcomes::add);
        await().atMost(Duration.ofSeconds(5)).until(() -> outcomes.size() == 1);

        assertThat(outcomes).containsExactly(RecordingUploader.Outcome.STORED);
        // the WAV was stored once: retries resume at the step that failed
        assertThat(s3.puts).filteredOn(p -> p.endsWith("audio/wav")).hasSize(1);
        assertThat(s3.puts).filteredOn(p -> p.endsWith("application/json")).hasSize(3);
        assertThat(publisher.events).hasSize(1);
        assertThat(registry.counter("callrec.storage.upload.retries").count()).isEqualTo(3);
    }

    @Test
    void theSpillFileStaysUntilTheUploadsSucceed() throws Exception {
        uploader = uploader(Map.of("storage.upload-retry.initial-backoff", "200ms",
                "storage.upload-retry.max-backoff", "200ms"));
        Path spill = spill(new byte[16]);
        s3.jsonFailures.set(1);

        uploader.submit(recording(spill, 16), outcomes::add);

        // while the JSON waits for its retry, the audio is still on disk
        await().atMost(Duration.ofSeconds(5)).until(() -> s3.jsonFailures.get() == 0);
        assertThat(spill).exists();
        await().atMost(Duration.ofSeconds(5)).until(() -> outcomes.size() == 1);
        assertThat(spill).doesNotExist();
    }

    @Test
    void aSpillFileThatDoesNotHoldWhatItsSegmentSaysIsGivenUpAtOnceWithNothingStored() throws Exception {
        uploader = uploader(Map.of());
        Path spill = spill(new byte[] {1, 0, 2, 0});
        Files.write(spill, new byte[] {9}, java.nio.file.StandardOpenOption.APPEND); // one byte the segment does not count

        uploader.submit(recording(spill, 4), outcomes::add);
        await().atMost(Duration.ofSeconds(5)).until(() -> outcomes.size() == 1);

        // retrying cannot mend a local fault: the recording keeps holding its commit, read again after a restart
        assertThat(outcomes).containsExactly(RecordingUploader.Outcome.GAVE_UP);
        assertThat(s3.wavAttempts).hasValue(1);
        assertThat(s3.puts).isEmpty();
        assertThat(publisher.events).isEmpty();
        assertThat(registry.counter("callrec.storage.recordings.failed", "reason", "upload").count()).isEqualTo(1);
    }

    @Test
    void whenTheAttemptsRunOutTheRecordingIsGivenUp() throws Exception {
        uploader = uploader(Map.of("storage.upload-retry.max-attempts", "3"));
        Path spill = spill(new byte[16]);
        s3.wavFailures.set(Integer.MAX_VALUE);

        uploader.submit(recording(spill, 16), outcomes::add);
        await().atMost(Duration.ofSeconds(5)).until(() -> outcomes.size() == 1);

        assertThat(outcomes).containsExactly(RecordingUploader.Outcome.GAVE_UP);
        assertThat(s3.wavAttempts.get()).isEqualTo(3);
        assertThat(publisher.events).isEmpty();
        assertThat(spill).as("read again from Kafka after a restart").doesNotExist();
        assertThat(registry.counter("callrec.storage.recordings.failed", "reason", "upload").count()).isEqualTo(1);
    }

    private RecordingUploader uploader(Map<String, String> overrides) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .addSystemSources()
                .withConverter(Duration.class, 200, new DurationConverter())
                .withMapping(StorageConfig.class)
                .withDefaultValue("storage.upload-retry.initial-backoff", "10ms")
                .withDefaultValue("storage.upload-retry.max-backoff", "50ms")
                .withDefaultValues(overrides)
                .build();
        RecordingUploader u = new RecordingUploader();
        u.config = config.getConfigMapping(StorageConfig.class);
        u.s3 = s3;
        u.publisher = publisher;
        u.json = new ObjectMapper();
        u.metrics = new StorageMetrics(registry);
        u.placements = new PlacementResolver("recordings", endpoint, u.metrics);
        u.clock = Clock.fixed(Instant.parse("2025-03-04T06:00:00Z"), ZoneOffset.UTC);
        u.init();
        return u;
    }

    private Path spill(byte[] pcm) throws IOException {
        return spillFile("rec-1-1.wav", WavFormat.pcm16(8000), pcm);
    }

    /** A closed segment's spill file, as {@link SegmentedOutput} leaves it: the WAV header, then the audio. */
    private Path spillFile(String name, WavFormat format, byte[] audio) throws IOException {
        byte[] header = format.header(audio.length);
        byte[] file = java.util.Arrays.copyOf(header, header.length + audio.length);
        System.arraycopy(audio, 0, file, header.length, audio.length);
        return Files.write(workDir.resolve(name), file);
    }

    private static AssembledRecording recording(Path spill, long pcmBytes) {
        RecordingStarted start = new RecordingStarted("rec-1", "acme", "p", "00:15:65:aa:bb:cc", AudioCodec.PCMA, "in",
                "10.1.2.3", "ingest-0", 40000, STARTED_AT, Map.of());
        RecordingEnded end = new RecordingEnded("rec-1", "normal", STARTED_AT + 1000, 1, Map.of(), 1, Map.of());
        TimelineStats stats = new TimelineStats(1, 1, 1, 0, 0, 0, Map.of(), Map.of(), 0, 0, 0, 0, List.of(), pcmBytes / 2);
        return new AssembledRecording(start, end, stats, WavFormat.pcm16(8000),
                List.of(new SegmentedOutput.Segment(spill, pcmBytes, 0)));
    }

    /** An S3 that records what it is given and fails when told to. */
    private static final class FlakyS3 extends S3Store {
        final List<String> puts = new CopyOnWriteArrayList<>();
        final List<Placement> targets = new CopyOnWriteArrayList<>();
        volatile byte[] lastJson;
        final AtomicInteger wavFailures = new AtomicInteger();
        final AtomicInteger wavAttempts = new AtomicInteger();
        final AtomicInteger jsonFailures = new AtomicInteger();
        volatile byte[] lastWav;
        volatile Write wavWrite = Write.CREATED;
        volatile Write jsonWrite = Write.CREATED;

        @Override
        public String bucket() {
            return "recordings";
        }

        @Override
        public Write putFile(Placement p, String key, Path file, long bytes, String contentType)
                throws MinioException, IOException {
            wavAttempts.incrementAndGet();
            checkSize(file, bytes); // as S3Store does before it writes anything
            if (wavFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new MinioException("connection refused");
            }
            lastWav = Files.readAllBytes(file);
            puts.add(key + " " + contentType);
            targets.add(p);
            return wavWrite;
        }

        @Override
        public Write putBytes(Placement p, String key, byte[] bytes, String contentType) throws MinioException {
            puts.add(key + " " + contentType);
            targets.add(p);
            lastJson = bytes;
            if (jsonFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new MinioException("503 Slow Down");
            }
            return jsonWrite;
        }
    }

    /** A completed topic that records the events and fails when told to. */
    private static final class RecordingPublisher extends CompletionPublisher {
        final List<String> events = new CopyOnWriteArrayList<>();
        final AtomicInteger failures = new AtomicInteger();

        @Override
        public void publish(CompletionEvent event) throws ExecutionException {
            if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new ExecutionException(new TimeoutException("no broker"));
            }
            events.add(event.recordingId() + " " + event.toJson());
        }
    }
}
