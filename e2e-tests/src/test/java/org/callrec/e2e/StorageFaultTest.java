package org.callrec.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.callrec.core.audio.AudioCodec;
import org.callrec.core.audio.WavFile;
import org.callrec.core.chunk.Topics;
import org.callrec.core.protocol.Terminator;
import org.callrec.simulator.CallResult;
import org.callrec.simulator.EndMode;
import org.callrec.simulator.PhoneConfig;
import org.callrec.simulator.SimulatedPhone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;

/**
 * Faults of the storage side, injected while phones are recording, with a real broker, a real S3
 * server and the services as child processes: storage killed ({@code kill -9}) and restarted, a
 * second storage instance joining and dying, the S3 server away for a while. Every recording
 * must come out exactly as the phone sent it: no audio lost, none doubled, every object whole.
 */
class StorageFaultTest {

    /** Storage settings that make the faults quick to recover from in a test. */
    private static final Map<String, String> FAST_RECOVERY = Map.of(
            // a killed instance leaves the group after 6 s (the broker's minimum), not 45 s
            "kafka.session.timeout.ms", "6000",
            "kafka.heartbeat.interval.ms", "1000",
            "storage.upload-retry.initial-backoff", "200ms",
            "storage.upload-retry.max-backoff", "2s",
            "storage.s3.timeout", "5s",
            "storage.s3.probe-interval", "500ms");

    /**
     * The build machine may be loaded: a slow allocation must not turn a start into
     * {@code no-capacity} (that is not what these tests are about).
     */
    private static final Map<String, String> PATIENT_CONTROL = Map.of("control.ingest.timeout", "10s");

    private static final ObjectMapper JSON = new ObjectMapper();

    private RecordingStack stack;
    /** Embedded infrastructure here; the compose file's images in the {@code *ContainersTest} subclass. */
    private final Infra.Kind infra = Infra.Kind.forTest(getClass());
    private final ExecutorService phones = Executors.newCachedThreadPool();

    @AfterEach
    void stopTheSuite() {
        phones.shutdownNow();
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @DisplayName("storage killed mid-call and right after the stops, then restarted: every WAV is exactly the phone's audio")
    void storageKilledAndRestartedLosesAndDoublesNothing() throws Exception {
        stack = RecordingStack.start(infra, FAST_RECOVERY, PATIENT_CONTROL);
        Archive archive = new Archive(stack.s3Client(), RecordingStack.BUCKET);
        warmUp(archive);

        // Moment 1: four phones are 3 s into a 9 s call when storage is killed; it comes back 1 s later.
        List<Future<CallResult>> midCall = call(4, Duration.ofSeconds(9), 300);
        Thread.sleep(3000);
        stack.killStorage();
        Thread.sleep(1000);
        stack.startStorage();

        // Moment 2: three more phones; storage is killed the moment the first of them has its
        // stop answered (reading the END, uploading), and restarted at once.
        List<Future<CallResult>> atStop = call(3, Duration.ofSeconds(4), 600);
        atStop.get(0).get();
        stack.killStorage();
        stack.startStorage();

        List<CallResult> calls = results(midCall, atStop);
        for (CallResult call : calls) {
            assertExact(archive, call);
        }
        assertEveryObjectIsWhole(stack.s3Client());
        assertEveryRecordingAnnounced(archive, calls);
    }

    @Test
    @DisplayName("a second storage instance joins mid-call and is killed mid-call: the recordings are identical to the phones' audio")
    void aSecondInstanceJoiningAndDyingChangesNothing() throws Exception {
        stack = RecordingStack.start(infra, FAST_RECOVERY, PATIENT_CONTROL);
        Archive archive = new Archive(stack.s3Client(), RecordingStack.BUCKET);
        warmUp(archive);

        List<Future<CallResult>> calls = call(5, Duration.ofSeconds(14), 400);
        // 3 s in, a second instance joins the group and takes some partitions (a rebalance) ...
        Thread.sleep(3000);
        ServiceProcess second = stack.addStorage();
        // ... holds them for a while, then dies without leaving the group.
        await().atMost(Duration.ofSeconds(20)).until(() -> second.output().contains("Partitions assigned: [" + Topics.MEDIA));
        Thread.sleep(3000);
        second.kill();

        List<CallResult> done = results(calls);
        for (CallResult call : done) {
            assertExact(archive, call);
        }
        assertEveryObjectIsWhole(stack.s3Client());
        assertEveryRecordingAnnounced(archive, done);
    }

    @Test
    @DisplayName("an instance stopped with SIGTERM mid-call leaves the group at once: the other takes over without waiting for a session timeout")
    void aGracefullyStoppedInstanceHandsOverAtOnce() throws Exception {
        // default session timeout (45 s): only a clean leave lets the partitions move quickly
        stack = RecordingStack.start(infra, Map.of("storage.upload-retry.initial-backoff", "200ms"), PATIENT_CONTROL);
        Archive archive = new Archive(stack.s3Client(), RecordingStack.BUCKET);
        warmUp(archive);

        List<Future<CallResult>> calls = call(4, Duration.ofSeconds(10), 450);
        Thread.sleep(2000);
        ServiceProcess second = stack.addStorage();
        await().atMost(Duration.ofSeconds(20)).until(() -> second.output().contains("Partitions assigned: [" + Topics.MEDIA));
        Thread.sleep(2000);

        // SIGTERM mid-call: it stops polling, commits what is safe, leaves the group, exits.
        long stopping = System.nanoTime();
        second.close();
        long stopMillis = (System.nanoTime() - stopping) / 1_000_000;
        assertThat(second.alive()).isFalse();
        System.out.printf("storage stopped on SIGTERM in %d ms%n", stopMillis);

        // The first instance carries on with every recording, long before 45 s would have passed.
        List<CallResult> done = results(calls);
        long ended = System.nanoTime();
        for (CallResult call : done) {
            assertExact(archive, call);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - ended)).isLessThan(Duration.ofSeconds(30));
        assertThat(second.output()).contains("Consuming").doesNotContain("not stored before shutdown");
    }

    @Test
    @DisplayName("S3 away for a while: readiness DOWN, spill files kept, uploads retried with backoff, all stored exactly once it is back")
    void anS3OutageDelaysButLosesNothing() throws Exception {
        stack = RecordingStack.startWithRestartableS3(infra, FAST_RECOVERY, PATIENT_CONTROL);
        await().atMost(Duration.ofSeconds(30)).until(() -> stack.storageReadiness().up());
        warmUp(new Archive(stack.s3Client(), RecordingStack.BUCKET));

        // Short calls that end during the outage, long ones that outlive it.
        List<Future<CallResult>> shortCalls = call(3, Duration.ofSeconds(4), 350);
        List<Future<CallResult>> longCalls = call(2, Duration.ofSeconds(14), 700);
        Thread.sleep(1500);
        stack.stopS3();

        // Readiness reports the outage (the probe or a failing upload notices it).
        await().atMost(Duration.ofSeconds(15)).until(() -> !stack.storageReadiness().up());
        assertThat(stack.storageReadiness().body()).contains("object-store");

        // The short calls end; their spill files stay while their WAV cannot be written.
        List<CallResult> ended = results(shortCalls);
        await().atMost(Duration.ofSeconds(15)).until(() -> stack.storage().output().contains("retrying with backoff"));
        for (int i = 0; i < 5; i++) {
            assertThat(spillFiles()).as("a spill file per recording, none deleted while S3 is away")
                    .hasSize(shortCalls.size() + longCalls.size());
            Thread.sleep(1000);
        }

        // S3 comes back: readiness recovers and everything is stored, exactly.
        stack.startS3();
        await().atMost(Duration.ofSeconds(20)).until(() -> stack.storageReadiness().up());
        Archive archive = new Archive(stack.s3Client(), RecordingStack.BUCKET);
        List<CallResult> calls = new ArrayList<>(ended);
        calls.addAll(results(longCalls));
        for (CallResult call : calls) {
            assertExact(archive, call);
        }
        assertEveryObjectIsWhole(stack.s3Client());
        assertEveryRecordingAnnounced(archive, calls);
        await().atMost(Duration.ofSeconds(10)).until(() -> spillFiles().isEmpty());
    }

    // ---------------------------------------------------------------------------------------

    /** One short call through the whole stack, stored, before the faults: every service is warm and polling. */
    private void warmUp(Archive archive) throws Exception {
        List<CallResult> warm = results(call(1, Duration.ofSeconds(1), 1000));
        assertExact(archive, warm.get(0));
    }

    /** Starts {@code n} calls of {@code duration} at once, each with its own tone. */
    private List<Future<CallResult>> call(int n, Duration duration, double baseHz) {
        List<Future<CallResult>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            PhoneConfig p = PhoneConfig.builder().control("127.0.0.1", stack.controlPort)
                    .codec(i % 2 == 0 ? AudioCodec.PCMA : AudioCodec.PCMU).terminator(Terminator.CRLF)
                    .endMode(EndMode.STOP).toneHz(baseHz + 37 * i).duration(duration)
                    .answerTimeout(Duration.ofSeconds(15)).build();
            futures.add(phones.submit(() -> SimulatedPhone.call(p)));
        }
        return futures;
    }

    @SafeVarargs
    private static List<CallResult> results(List<Future<CallResult>>... groups) throws Exception {
        List<CallResult> out = new ArrayList<>();
        for (List<Future<CallResult>> g : groups) {
            for (Future<CallResult> f : g) {
                CallResult r = f.get();
                assertThat(r.started()).as("start answered success: %s", r).isTrue();
                out.add(r);
            }
        }
        return out;
    }

    /** The stored WAV holds exactly the decode of what the phone sent: nothing missing, nothing twice. */
    private static void assertExact(Archive archive, CallResult call) throws Exception {
        Archive.Stored stored = awaitStored(archive, call);
        WavFile wav = stored.wav();
        assertThat(wav.samples()).as("samples of %s", call.config().sessionId()).isEqualTo(call.expectedPcm());
        assertThat(stored.metadata().path("audio").path("bytes").asLong()).isEqualTo(stored.wavBytes().length);
        assertThat(stored.metadata().path("quality").path("packetsPlaced").asLong()).isEqualTo(call.packetsSent());
        assertThat(stored.metadata().path("stopReason").asText()).isEqualTo(call.config().stopReason());
        if (Ffmpeg.available()) {
            assertThat(Ffmpeg.decodeToPcm16(stored.wavBytes())).isEqualTo(call.expectedPcm());
        }
    }

    private static Archive.Stored awaitStored(Archive archive, CallResult call) {
        AtomicReference<Archive.Stored> found = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).ignoreExceptions().until(() -> {
            Optional<Archive.Stored> s = archive.find(call.config().sessionId(), call.config().device());
            s.ifPresent(found::set);
            return s.isPresent();
        });
        return found.get();
    }

    /** No object in the bucket is half-written: every WAV parses, every JSON parses and names a WAV that exists. */
    private static void assertEveryObjectIsWhole(MinioClient s3) throws Exception {
        Archive archive = new Archive(s3, RecordingStack.BUCKET);
        int wavs = 0;
        for (Result<Item> r : s3.listObjects(ListObjectsArgs.builder().bucket(RecordingStack.BUCKET).recursive(true).build())) {
            String key = r.get().objectName();
            byte[] bytes = archive.get(key);
            if (key.endsWith(".wav")) {
                WavFile wav = WavFile.parse(bytes);
                assertThat(wav.samples().length * 2L + 44).as(key).isEqualTo(bytes.length);
                wavs++;
            } else {
                JsonNode m = JSON.readTree(bytes);
                assertThat(archive.get(m.path("audio").path("key").asText())).hasSize(m.path("audio").path("bytes").asInt());
            }
        }
        assertThat(wavs).isPositive();
    }

    /**
     * Each recording is announced on the completed topic, keyed by its id (delivery is at least
     * once: a repeat carries the same keys).
     */
    private void assertEveryRecordingAnnounced(Archive archive, List<CallResult> calls) throws Exception {
        List<String> ids = new ArrayList<>();
        for (CallResult c : calls) {
            ids.add(awaitStored(archive, c).metadata().path("recordingId").asText());
        }
        Map<String, List<JsonNode>> events = new HashMap<>();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.infra.kafkaBootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "e2e-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.COMPLETED));
            long deadline = System.currentTimeMillis() + 30_000;
            while (!events.keySet().containsAll(ids) && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    JsonNode event = JSON.readTree(r.value());
                    assertThat(event.path("recordingId").asText()).isEqualTo(r.key());
                    events.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(event);
                }
            }
        }
        assertThat(events.keySet()).containsAll(ids);
        for (String id : ids) {
            assertThat(events.get(id)).as("events of %s agree", id)
                    .extracting(e -> e.path("audioKey").asText() + " " + e.path("durationSeconds").asDouble())
                    .containsOnly(events.get(id).get(0).path("audioKey").asText() + " "
                            + events.get(id).get(0).path("durationSeconds").asDouble());
        }
    }

    private List<Path> spillFiles() throws IOException {
        try (Stream<Path> files = Files.list(stack.storageWorkDir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".pcm")).toList();
        }
    }
}
