package org.callrec.storage.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.callrec.storage.RtpFixtures.SAMPLES_PER_PACKET;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.common.TopicPartition;
import org.callrec.core.audio.AudioCodec;
import org.callrec.storage.AssembledRecording;
import org.callrec.storage.RtpFixtures;
import org.callrec.storage.RtpFixtures.Datagram;
import org.callrec.storage.assemble.SpillFiles;
import org.callrec.storage.metrics.StorageMetrics;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class RecordingRouterTest {

    private static final TopicPartition P0 = new TopicPartition("media", 0);
    private static final long STARTED_AT = 1_741_064_767_089L;
    private static final long SSRC = 0x1234_5678L;

    @TempDir
    Path workDir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<AssembledRecording> handedOver = new ArrayList<>();
    private final List<OffsetTracker.Ticket> tickets = new ArrayList<>();
    private final AtomicLong now = new AtomicLong();
    private RecordingRouter router;
    private long offset;

    @BeforeEach
    void setUp() {
        router = new RecordingRouter(new SpillFiles(workDir), Duration.ofMillis(500), Duration.ofHours(1),
                Duration.ofHours(2), new OffsetTracker(), (rec, ticket) -> {
                    handedOver.add(rec);
                    tickets.add(ticket);
                }, new StorageMetrics(registry), now::get);
        router.assign(List.of(P0));
    }

    @Test
    void aRecordingIsAssembledIntoPcmWithSilenceWhereAPacketWasLost() throws IOException {
        // packets 0..9 of a PCMA call; packet 4 is lost, 6 and 7 arrive swapped
        List<Datagram> sent = new ArrayList<>();
        for (int i : new int[] {0, 1, 2, 3, 5, 7, 6, 8, 9}) {
            sent.add(packet(AudioCodec.PCMA, i));
        }

        long startOffset = send("rec-1", RtpFixtures.start("rec-1", "acme", AudioCodec.PCMA, STARTED_AT, Map.of()));
        for (byte[] chunk : RtpFixtures.chunks(sent, 4)) {
            send("rec-1", chunk);
        }
        assertThat(router.tracker().safeOffset(P0)).as("open: the commit stays at its START").hasValue(startOffset);
        send("rec-1", RtpFixtures.end("rec-1", "normal", STARTED_AT + 200, 9, Map.of(), 3, Map.of()));

        // handed over for upload with the whole timeline decoded
        assertThat(handedOver).hasSize(1);
        AssembledRecording rec = handedOver.get(0);
        assertThat(rec.stats().placed()).isEqualTo(9);
        assertThat(rec.stats().lost()).isEqualTo(1);
        assertThat(rec.pcmBytes()).isEqualTo(2L * 10 * SAMPLES_PER_PACKET);
        short[] pcm = samples(rec.spillFile());
        for (int i = 0; i < 10; i++) {
            short[] expected = i == 4 ? new short[SAMPLES_PER_PACKET]
                    : RtpFixtures.decode(AudioCodec.PCMA, RtpFixtures.tonePayload(AudioCodec.PCMA, i));
            short[] actual = new short[SAMPLES_PER_PACKET];
            System.arraycopy(pcm, i * SAMPLES_PER_PACKET, actual, 0, SAMPLES_PER_PACKET);
            assertThat(actual).as("packet %d", i).containsExactly(expected);
        }

        // still holding the commit until the upload reports it stored
        assertThat(router.tracker().safeOffset(P0)).hasValue(startOffset);
        router.stored(tickets.get(0));
        assertThat(router.tracker().safeOffset(P0)).hasValue(offset);
    }

    @Test
    void recordsOfAnUnknownRecordingAreCountedAndSkipped() {
        // MEDIA and END without a START (it was before the committed offset, or never published)
        send("ghost", RtpFixtures.chunks(List.of(packet(AudioCodec.PCMA, 0)), 1).get(0));
        send("ghost", RtpFixtures.end("ghost", "normal", STARTED_AT, 1, Map.of(), 1, Map.of()));

        assertThat(handedOver).isEmpty();
        assertThat(skipped("unknown-recording")).isEqualTo(2);
        assertThat(router.tracker().safeOffset(P0)).as("nothing open: the commit moves on").hasValue(offset);
    }

    @Test
    void aCorruptRecordIsCountedAndSkippedWithoutDisturbingItsRecording() {
        send("rec-2", RtpFixtures.start("rec-2", "acme", AudioCodec.PCMU, STARTED_AT, Map.of()));
        send("rec-2", new byte[] {'C', 'R', 1});                  // truncated preamble
        send("rec-2", new byte[] {'C', 'R', 1, 2, 0, 0});         // MEDIA cut in its header
        send("rec-2", "not a record".getBytes());
        send("rec-2", RtpFixtures.chunks(List.of(packet(AudioCodec.PCMU, 0)), 1).get(0));
        send("rec-2", RtpFixtures.end("rec-2", "normal", STARTED_AT, 1, Map.of(), 1, Map.of()));

        assertThat(skipped("corrupt")).isEqualTo(3);
        assertThat(handedOver).singleElement().satisfies(rec -> assertThat(rec.stats().placed()).isEqualTo(1));
    }

    @Test
    void aG722RecordingIsNotStoredButCountedFailedAndDoesNotHoldTheCommit() throws IOException {
        send("rec-3", RtpFixtures.start("rec-3", "acme", AudioCodec.G722, STARTED_AT, Map.of()));
        send("rec-3", RtpFixtures.chunks(List.of(packet(AudioCodec.G722, 0)), 1).get(0));
        send("rec-3", RtpFixtures.end("rec-3", "normal", STARTED_AT, 1, Map.of(), 1, Map.of()));

        assertThat(handedOver).isEmpty();
        assertThat(registry.counter("callrec.storage.recordings.failed", "reason", "unsupported-codec").count()).isEqualTo(1);
        assertThat(skipped("unknown-recording")).as("its MEDIA is not 'unknown'").isZero();
        assertThat(router.tracker().safeOffset(P0)).hasValue(offset);
        try (var files = Files.list(workDir)) {
            assertThat(files).as("no spill file").isEmpty();
        }
    }

    @Test
    void aRecordingAbandonedAtAllocationWithoutMediaIsNotStoredAndDoesNotHoldTheCommit() throws IOException {
        // control-service moved to another node before this one answered: the phone never sent here.
        send("rec-6", RtpFixtures.start("rec-6", "acme", AudioCodec.PCMA, STARTED_AT, Map.of()));
        send("rec-6", RtpFixtures.end("rec-6", "allocation-abandoned", STARTED_AT, 0, Map.of(), 0, Map.of()));

        assertThat(handedOver).isEmpty();
        assertThat(router.tracker().safeOffset(P0)).hasValue(offset);
        try (var files = Files.list(workDir)) {
            assertThat(files).as("no spill file left").isEmpty();
        }
    }

    @Test
    void revokedPartitionsDropTheirOpenRecordingsAndSpillFiles() throws IOException {
        send("rec-4", RtpFixtures.start("rec-4", "acme", AudioCodec.PCMA, STARTED_AT, Map.of()));
        send("rec-4", RtpFixtures.chunks(List.of(packet(AudioCodec.PCMA, 0)), 1).get(0));
        try (var files = Files.list(workDir)) {
            assertThat(files).hasSize(1);
        }

        router.revoke(List.of(P0));

        assertThat(router.assembling()).isZero();
        assertThat(router.tracker().isAssigned(P0)).isFalse();
        try (var files = Files.list(workDir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aRecordingWhoseEndNeverComesIsEndedAfterTheAbandonTime() {
        send("rec-5", RtpFixtures.start("rec-5", "acme", AudioCodec.PCMA, STARTED_AT, Map.of()));
        send("rec-5", RtpFixtures.chunks(List.of(packet(AudioCodec.PCMA, 0), packet(AudioCodec.PCMA, 1)), 2).get(0));

        now.addAndGet(Duration.ofHours(1).toNanos());
        router.sweepIdle();
        assertThat(handedOver).as("idle for 1 h only").isEmpty();

        now.addAndGet(Duration.ofHours(1).toNanos());
        router.sweepIdle();

        assertThat(handedOver).singleElement().satisfies(rec -> {
            assertThat(rec.end().reason()).isEqualTo(RecordingRouter.ABANDONED_REASON);
            assertThat(rec.end().endedAtMillis()).as("the last packet's arrival").isEqualTo(arrivalMicros(1) / 1000);
            assertThat(rec.pcmBytes()).isEqualTo(2L * 2 * SAMPLES_PER_PACKET);
        });
    }

    private long send(String key, byte[] value) {
        long at = offset++;
        router.onRecord(P0, at, key, value);
        return at;
    }

    private double skipped(String reason) {
        return registry.counter("callrec.storage.records.skipped", "reason", reason).count();
    }

    private static long arrivalMicros(int i) {
        return STARTED_AT * 1000 + 20_000L * i;
    }

    private static Datagram packet(AudioCodec codec, int i) {
        return new Datagram(arrivalMicros(i), RtpFixtures.rtp(codec.payloadType(), 100 + i, 5000L + SAMPLES_PER_PACKET * i,
                SSRC, RtpFixtures.tonePayload(codec == AudioCodec.G722 ? AudioCodec.PCMA : codec, i)));
    }

    private static short[] samples(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        short[] s = new short[b.length / 2];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(s);
        return s;
    }
}
