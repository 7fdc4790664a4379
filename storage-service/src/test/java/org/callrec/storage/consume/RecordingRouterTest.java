package org.callrec.storage.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.callrec.storage.RecordFixtures.SAMPLES_PER_PACKET;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.common.TopicPartition;
import org.callrec.core.audio.AudioCodec;
import org.callrec.core.audio.G722Decoder;
import org.callrec.core.audio.WavFile;
import org.callrec.core.chunk.ChunkCodec;
import org.callrec.core.chunk.RecordOrigin;
import org.callrec.core.chunk.RecordingAlive;
import org.callrec.core.chunk.RecordingStarted;
import org.callrec.core.chunk.StopReason;
import org.callrec.storage.assemble.AssembledRecording;
import org.callrec.storage.RecordFixtures;
import org.callrec.storage.RecordFixtures.Datagram;
import org.callrec.storage.assemble.AssemblyOptions;
import org.callrec.storage.assemble.SpillFiles;
import org.callrec.storage.metrics.StorageMetrics;
import org.callrec.testing.rtp.RtpPackets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
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

    private static final Duration LOST_AFTER = Duration.ofSeconds(60);

    @BeforeEach
    void setUp() {
        router = new RecordingRouter(new SpillFiles(workDir), AssemblyOptions.defaults(),
                LOST_AFTER, new OffsetTracker(), new PartitionProgress(), (rec, ticket) -> {
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

        long startOffset = send("rec-1", RecordFixtures.start("rec-1", "acme", AudioCodec.PCMA, STARTED_AT, Map.of()));
        for (byte[] chunk : RecordFixtures.chunks(sent, 4)) {
            send("rec-1", chunk);
        }
        assertThat(router.tracker().safeOffset(P0)).as("open: the commit stays at its START").hasValue(startOffset);
        send("rec-1", RecordFixtures.end("rec-1", "normal", STARTED_AT + 200, 9, Map.of(), 3, Map.of()));

        // handed over for upload with the whole timeline decoded
        assertThat(handedOver).hasSize(1);
        AssembledRecording rec = handedOver.get(0);
        assertThat(rec.stats().placed()).isEqualTo(9);
        assertThat(rec.stats().lost()).isEqualTo(1);
        assertThat(rec.dataBytes()).isEqualTo(2L * 10 * SAMPLES_PER_PACKET);
        short[] pcm = samples(rec.segments().get(0).file());
        for (int i = 0; i < 10; i++) {
            short[] expected = i == 4 ? new short[SAMPLES_PER_PACKET]
                    : RecordFixtures.decode(AudioCodec.PCMA, RecordFixtures.tonePayload(AudioCodec.PCMA, i));
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
        send("ghost", RecordFixtures.chunks(List.of(packet(AudioCodec.PCMA, 0)), 1).get(0));
        send("ghost", RecordFixtures.end("ghost", "normal", STARTED_AT, 1, Map.of(), 1, Map.of()));

        assertThat(handedOver).isEmpty();
        assertThat(skipped("unknown-recording")).isEqualTo(2);
        assertThat(router.tracker().safeOffset(P0)).as("nothing open: the commit moves on").hasValue(offset);
    }

    @Test
    void aCorruptRecordIsCountedAndSkippedWithoutDisturbingItsRecording() {
        send("rec-2", RecordFixtures.start("rec-2", "acme", AudioCodec.PCMU, STARTED_AT, Map.of()));
        send("rec-2", new byte[] {'C', 'R', 1});                  // truncated preamble
        send("rec-2", new byte[] {'C', 'R', 1, 2, 0, 0});         // MEDIA cut in its header
        send("rec-2", "not a record".getBytes());
        send("rec-2", RecordFixtures.chunks(List.of(packet(AudioCodec.PCMU, 0)), 1).get(0));
        send("rec-2", RecordFixtures.end("rec-2", "normal", STARTED_AT, 1, Map.of(), 1, Map.of()));

        assertThat(skipped("corrupt")).isEqualTo(3);
        assertThat(handedOver).singleElement().satisfies(rec -> assertThat(rec.stats().placed()).isEqualTo(1));
    }

    @Test
    @DisplayName("a G.722 call is stored as 16 kHz PCM: two samples per RTP unit, a lost packet is 320 zero samples, the tone keeps its pitch")
    void aG722RecordingIsDecodedAt16kHzWithSilenceSizedInSamples() throws IOException {
        // 10 packets of a 1 kHz tone, 160 bytes and +160 timestamp units each; packet 4 is lost,
        // 6 and 7 arrive swapped
        List<byte[]> payloads = RecordFixtures.g722TonePayloads(10, 1000);
        List<Datagram> sent = new ArrayList<>();
        for (int i : new int[] {0, 1, 2, 3, 5, 7, 6, 8, 9}) {
            sent.add(new Datagram(arrivalMicros(i), RtpPackets.rtp(AudioCodec.G722.payloadType(), 100 + i,
                    5000L + SAMPLES_PER_PACKET * i, SSRC, payloads.get(i))));
        }
        send("rec-3", RecordFixtures.start("rec-3", "acme", AudioCodec.G722, STARTED_AT, Map.of()));
        for (byte[] chunk : RecordFixtures.chunks(sent, 4)) {
            send("rec-3", chunk);
        }
        send("rec-3", RecordFixtures.end("rec-3", "normal", STARTED_AT + 200, 9, Map.of(), 3, Map.of()));

        // 200 ms of 16 kHz audio: 3200 samples, not 1600 (half length) nor 800
        assertThat(handedOver).singleElement().satisfies(rec -> {
            assertThat(rec.format().sampleRate()).isEqualTo(16000);
            assertThat(rec.dataBytes()).isEqualTo(2L * 2 * 10 * SAMPLES_PER_PACKET);
            assertThat(rec.stats().lost()).isEqualTo(1);
        });
        short[] pcm = samples(handedOver.get(0).segments().get(0).file());
        // the lost packet is silence at its place, 320 samples long
        for (int i = 4 * 320; i < 5 * 320; i++) {
            assertThat(pcm[i]).as("sample %d", i).isZero();
        }
        // the audio is the decoder's output, its state carried across the loss
        G722Decoder decoder = new G722Decoder();
        short[] expected = new short[320];
        for (int p = 0; p < 10; p++) {
            if (p == 4) {
                continue;
            }
            decoder.decode(payloads.get(p), 0, SAMPLES_PER_PACKET, expected, 0);
            short[] actual = java.util.Arrays.copyOfRange(pcm, p * 320, (p + 1) * 320);
            assertThat(actual).as("packet %d", p).containsExactly(expected);
        }
        // pitch: 1 kHz at 16 kHz is 40 zero crossings per 20 ms packet (packets 1..3, past the QMF delay)
        int crossings = 0;
        for (int i = 320 + 1; i < 4 * 320; i++) {
            if ((pcm[i - 1] < 0) != (pcm[i] < 0)) {
                crossings++;
            }
        }
        assertThat(crossings).isBetween(3 * 40 - 2, 3 * 40 + 2);
        assertThat(registry.counter("callrec.storage.recordings.failed", "reason", "unsupported-codec").count()).isZero();
    }

    @Test
    void aRecordingAbandonedAtAllocationWithoutMediaIsNotStoredAndDoesNotHoldTheCommit() throws IOException {
        // control-service moved to another node before this one answered: the phone never sent here.
        send("rec-6", RecordFixtures.start("rec-6", "acme", AudioCodec.PCMA, STARTED_AT, Map.of()));
        send("rec-6", RecordFixtures.end("rec-6", "allocation-abandoned", STARTED_AT, 0, Map.of(), 0, Map.of()));

        assertThat(handedOver).isEmpty();
        assertThat(router.tracker().safeOffset(P0)).hasValue(offset);
        try (var files = Files.list(workDir)) {
            assertThat(files).as("no spill file left").isEmpty();
        }
    }

    @Test
    void revokedPartitionsDropTheirOpenRecordingsAndSpillFiles() throws IOException {
        send("rec-4", RecordFixtures.start("rec-4", "acme", AudioCodec.PCMA, STARTED_AT, Map.of()));
        send("rec-4", RecordFixtures.chunks(List.of(packet(AudioCodec.PCMA, 0)), 1).get(0));
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
    @DisplayName("a recording whose ingest node went silent is stored as ingest-lost with all its audio, once the partition is provably read that far")
    void aRecordingWithoutRecordsForTheTimeoutIsStoredAsIngestLost() {
        send("rec-5", RecordFixtures.start("rec-5", "acme", AudioCodec.PCMA, STARTED_AT, Map.of()));
        send("rec-5", RecordFixtures.chunks(List.of(packet(AudioCodec.PCMA, 0), packet(AudioCodec.PCMA, 1)), 2).get(0));
        readThrough(); // caught up right after its last record

        // 59 s of silence, read up to date all along: not yet
        advance(Duration.ofSeconds(59));
        readThrough();
        router.sweepLost();
        assertThat(handedOver).isEmpty();

        // one more second
        advance(Duration.ofSeconds(1));
        readThrough();
        router.sweepLost();

        assertThat(handedOver).singleElement().satisfies(rec -> {
            assertThat(rec.end().reason()).isEqualTo(StopReason.INGEST_LOST.token());
            assertThat(rec.end().endedAtMillis()).as("the last packet's arrival").isEqualTo(arrivalMicros(1) / 1000);
            assertThat(rec.dataBytes()).as("all audio kept").isEqualTo(2L * 2 * SAMPLES_PER_PACKET);
        });
        assertThat(registry.counter("callrec.storage.recordings.ingest.lost").count()).isEqualTo(1);
        assertThat(router.tracker().safeOffset(P0)).as("held until stored").hasValue(0L);
    }

    @Test
    @DisplayName("ALIVE records keep a silent (held) call open and date its end")
    void aliveRecordsKeepASilentRecordingOpen() {
        send("held", RecordFixtures.start("held", "acme", AudioCodec.PCMA, STARTED_AT, Map.of()));
        send("held", RecordFixtures.chunks(List.of(packet(AudioCodec.PCMA, 0)), 1).get(0));
        // ten minutes on hold: no RTP, an ALIVE every 5 s
        for (int i = 1; i <= 120; i++) {
            advance(Duration.ofSeconds(5));
            send("held", ChunkCodec.encodeAlive(new RecordingAlive("held", "ingest-0", STARTED_AT + i * 5000L)));
            readThrough();
            router.sweepLost();
        }
        assertThat(handedOver).isEmpty();

        // the node goes away
        advance(LOST_AFTER);
        readThrough();
        router.sweepLost();
        assertThat(handedOver).singleElement().satisfies(rec -> {
            assertThat(rec.end().reason()).isEqualTo(StopReason.INGEST_LOST.token());
            assertThat(rec.end().endedAtMillis()).as("its last ALIVE").isEqualTo(STARTED_AT + 600_000L);
        });
    }

    @Test
    @DisplayName("after a restart or outage, a backlog read in a burst is not silence: judged only once read up to date, then the timeout again")
    void aBacklogIsReadBeforeSilenceIsJudged() {
        // Storage was down: the recording's START and media sit in the topic, and the broker says
        // the partition ends far beyond them (other calls' records).
        router.progress().probed(Map.of(P0, 10_000L), now.get());
        send("rec-7", RecordFixtures.start("rec-7", "acme", AudioCodec.PCMA, STARTED_AT, Map.of()));
        send("rec-7", RecordFixtures.chunks(List.of(packet(AudioCodec.PCMA, 0)), 1).get(0));

        // Reading the backlog takes long; no record of rec-7 in it.
        advance(Duration.ofMinutes(5));
        router.progress().position(P0, 5_000);
        router.progress().probed(Map.of(P0, 12_000L), now.get());
        router.sweepLost();
        assertThat(handedOver).as("not read up to date yet").isEmpty();

        // Caught up with what the broker had when asked: silence counts from the last record read.
        router.progress().position(P0, 12_000);
        router.sweepLost();
        assertThat(handedOver).as("5 min after its last record was read, read through").hasSize(1);
    }

    @Test
    @DisplayName("a recording read from a backlog gets the full timeout after the consumer caught up")
    void aRecordingReadAtTheEndOfABacklogGetsTheFullTimeout() {
        router.progress().probed(Map.of(P0, 3L), now.get());
        send("rec-8", RecordFixtures.start("rec-8", "acme", AudioCodec.PCMA, STARTED_AT, Map.of()));
        send("rec-8", RecordFixtures.chunks(List.of(packet(AudioCodec.PCMA, 0)), 1).get(0));
        send("rec-8", RecordFixtures.chunks(List.of(packet(AudioCodec.PCMA, 1)), 1).get(0));
        readThrough();

        advance(Duration.ofSeconds(30));
        readThrough();
        router.sweepLost();
        assertThat(handedOver).isEmpty();

        advance(Duration.ofSeconds(30));
        readThrough();
        router.sweepLost();
        assertThat(handedOver).hasSize(1);
    }

    @Test
    @DisplayName("while the broker cannot be reached nothing is judged; after it returns, silence is counted afresh")
    void aBrokerOutageIsNotSilence() {
        send("rec-9", RecordFixtures.start("rec-9", "acme", AudioCodec.PCMA, STARTED_AT, Map.of()));
        readThrough();

        // the broker is away for 5 minutes: every probe fails
        for (int i = 0; i < 300; i++) {
            advance(Duration.ofSeconds(1));
            router.progress().probeFailed();
            router.sweepLost();
        }
        assertThat(handedOver).isEmpty();

        // back: the ingest node sends what it kept a moment later; until then 59 s pass read up to date
        advance(Duration.ofSeconds(59));
        readThrough();
        router.sweepLost();
        assertThat(handedOver).as("less than the timeout since the broker returned").isEmpty();
        send("rec-9", RecordFixtures.chunks(List.of(packet(AudioCodec.PCMA, 0)), 1).get(0));
        readThrough();
        advance(Duration.ofSeconds(59));
        readThrough();
        router.sweepLost();
        assertThat(handedOver).isEmpty();
    }

    @Test
    @DisplayName("under load (never lag-free) a silent recording is still judged, by read-through checkpoints")
    void aSilentRecordingIsJudgedOnABusyPartition() {
        send("quiet", RecordFixtures.start("quiet", "acme", AudioCodec.PCMA, STARTED_AT, Map.of()));
        send("busy", RecordFixtures.start("busy", "acme", AudioCodec.PCMA, STARTED_AT, Map.of()));
        int packet = 0;
        for (int second = 1; second <= 61; second++) {
            // every probe finds the consumer 25 records behind the end of the partition
            for (int k = 0; k < 25; k++) {
                send("busy", RecordFixtures.chunks(List.of(packet(AudioCodec.PCMA, packet++)), 1).get(0));
            }
            router.progress().position(P0, offset);
            router.progress().probed(Map.of(P0, offset + 25), now.get());
            for (int k = 0; k < 25; k++) {
                send("busy", RecordFixtures.chunks(List.of(packet(AudioCodec.PCMA, packet++)), 1).get(0));
            }
            router.progress().position(P0, offset);
            advance(Duration.ofSeconds(1));
            router.sweepLost();
        }
        assertThat(handedOver).singleElement().satisfies(rec -> {
            assertThat(rec.recordingId()).isEqualTo("quiet");
            assertThat(rec.end().reason()).isEqualTo(StopReason.INGEST_LOST.token());
        });
    }

    @Test
    @DisplayName("an END (or media) arriving for a recording stored as ingest-lost is ignored and counted: no second object")
    void anEndAfterIngestLostIsIgnoredAndCounted() {
        send("late", RecordFixtures.start("late", "acme", AudioCodec.PCMA, STARTED_AT, Map.of()));
        readThrough();
        advance(LOST_AFTER);
        readThrough();
        router.sweepLost();
        assertThat(handedOver).hasSize(1);

        send("late", RecordFixtures.chunks(List.of(packet(AudioCodec.PCMA, 3)), 1).get(0));
        send("late", RecordFixtures.end("late", "normal", STARTED_AT + 70_000, 1, Map.of(), 1, Map.of()));

        assertThat(handedOver).as("no second recording").hasSize(1);
        assertThat(skipped("after-ingest-lost")).isEqualTo(2);
        assertThat(skipped("unknown-recording")).isZero();
    }

    @Test
    @DisplayName("a second START of an open recording is ignored: the audio read so far is kept, the first START holds the commit")
    void aRepeatedStartDoesNotLoseAudio() {
        long first = send("rec-10", RecordFixtures.start("rec-10", "acme", AudioCodec.PCMA, STARTED_AT, Map.of()));
        send("rec-10", RecordFixtures.chunks(List.of(packet(AudioCodec.PCMA, 0)), 1).get(0));
        send("rec-10", RecordFixtures.start("rec-10", "acme", AudioCodec.PCMA, STARTED_AT, Map.of()));
        assertThat(router.tracker().safeOffset(P0)).hasValue(first);
        send("rec-10", RecordFixtures.chunks(List.of(packet(AudioCodec.PCMA, 1)), 1).get(0));
        send("rec-10", RecordFixtures.end("rec-10", "normal", STARTED_AT + 40, 2, Map.of(), 2, Map.of()));

        assertThat(handedOver).singleElement().satisfies(rec -> assertThat(rec.stats().placed()).isEqualTo(2));
        assertThat(skipped("duplicate-start")).isEqualTo(1);
    }

    @Test
    @DisplayName("a recording whose START lies before the committed offset is never half-assembled")
    void mediaWithoutItsStartIsNeverAssembled() throws IOException {
        // The partition is re-read from a committed offset past rec-11's START (it was stored):
        // its later records are skipped, no spill file, nothing handed over.
        send("rec-11", RecordFixtures.chunks(List.of(packet(AudioCodec.PCMA, 5)), 1).get(0));
        send("rec-12", RecordFixtures.start("rec-12", "acme", AudioCodec.PCMA, STARTED_AT, Map.of()));
        send("rec-11", RecordFixtures.chunks(List.of(packet(AudioCodec.PCMA, 6)), 1).get(0));
        send("rec-11", RecordFixtures.end("rec-11", "normal", STARTED_AT, 2, Map.of(), 2, Map.of()));

        assertThat(handedOver).isEmpty();
        assertThat(skipped("unknown-recording")).isEqualTo(3);
        try (var files = Files.list(workDir)) {
            assertThat(files).as("only rec-12's spill file").hasSize(1);
        }
    }

    @Test
    @DisplayName("a START for an open id from another node is refused and counted: its media is not merged, its END does not end the recording")
    void aForeignStartForAnOpenIdIsNeverMerged() throws IOException {
        RecordOrigin victim = new RecordOrigin("ingest-0", 40000); // what RecordFixtures.start names
        RecordOrigin forger = new RecordOrigin("ingest-9", 40010);
        long first = send("rec-20", RecordFixtures.start("rec-20", "acme", AudioCodec.PCMA, STARTED_AT, Map.of()), victim);
        send("rec-20", RecordFixtures.chunks(List.of(packet(AudioCodec.PCMA, 0)), 1).get(0), victim);

        // the same id allocated on another node: its START, a chunk and its END
        send("rec-20", ChunkCodec.encodeStart(new RecordingStarted("rec-20", "evil", "p", "", AudioCodec.PCMA, "in",
                "127.0.0.5", "ingest-9", 40010, STARTED_AT + 10, Map.of())), forger);
        send("rec-20", RecordFixtures.chunks(List.of(packet(AudioCodec.PCMA, 1)), 1).get(0), forger);
        send("rec-20", RecordFixtures.end("rec-20", "normal", STARTED_AT + 30, 1, Map.of(), 1, Map.of()), forger);

        assertThat(handedOver).as("the victim goes on").isEmpty();
        assertThat(router.tracker().safeOffset(P0)).hasValue(first);
        send("rec-20", RecordFixtures.chunks(List.of(packet(AudioCodec.PCMA, 2)), 1).get(0), victim);
        send("rec-20", RecordFixtures.end("rec-20", "normal", STARTED_AT + 60, 2, Map.of(), 2, Map.of()), victim);

        assertThat(handedOver).singleElement().satisfies(rec -> {
            assertThat(rec.start().tenant()).isEqualTo("acme");
            assertThat(rec.stats().placed()).as("packets 0 and 2, not the forged 1").isEqualTo(2);
        });
        assertThat(skipped("foreign-start")).isEqualTo(1);
        assertThat(skipped("foreign-origin")).isEqualTo(2);
    }

    @Test
    @DisplayName("a START for an id that ended here lately, from another port, is refused: nothing is stored for it")
    void aForeignStartForAnEndedIdIsRefused() {
        RecordOrigin victim = new RecordOrigin("ingest-0", 40000);
        send("rec-21", RecordFixtures.start("rec-21", "acme", AudioCodec.PCMA, STARTED_AT, Map.of()), victim);
        send("rec-21", RecordFixtures.end("rec-21", "normal", STARTED_AT + 20, 0, Map.of(), 0, Map.of()), victim);
        assertThat(handedOver).hasSize(1);
        router.stored(tickets.get(0));

        RecordOrigin otherPort = new RecordOrigin("ingest-0", 40002);
        send("rec-21", ChunkCodec.encodeStart(new RecordingStarted("rec-21", "acme", "p", "", AudioCodec.PCMA, "in",
                "127.0.0.5", "ingest-0", 40002, STARTED_AT + 100, Map.of())), otherPort);
        send("rec-21", RecordFixtures.chunks(List.of(packet(AudioCodec.PCMA, 1)), 1).get(0), otherPort);
        send("rec-21", RecordFixtures.end("rec-21", "normal", STARTED_AT + 200, 1, Map.of(), 1, Map.of()), otherPort);

        assertThat(handedOver).as("no second recording under the id").hasSize(1);
        assertThat(skipped("foreign-start")).isEqualTo(1);
        assertThat(router.tracker().openCount()).as("the refused START holds no commit").isZero();
    }

    private long send(String key, byte[] value, RecordOrigin origin) {
        long at = offset++;
        router.onRecord(P0, at, key, value, origin);
        return at;
    }

    private long send(String key, byte[] value) {
        long at = offset++;
        router.onRecord(P0, at, key, value);
        return at;
    }

    /** The broker is asked for the end of the partition and the consumer is at that end. */
    private void readThrough() {
        router.progress().probed(Map.of(P0, offset), now.get());
        router.progress().position(P0, offset);
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    private double skipped(String reason) {
        return registry.counter("callrec.storage.records.skipped", "reason", reason).count();
    }

    private static long arrivalMicros(int i) {
        return STARTED_AT * 1000 + 20_000L * i;
    }

    private static Datagram packet(AudioCodec codec, int i) {
        return new Datagram(arrivalMicros(i), RtpPackets.rtp(codec.payloadType(), 100 + i, 5000L + SAMPLES_PER_PACKET * i,
                SSRC, RecordFixtures.tonePayload(codec, i)));
    }

    private static short[] samples(Path file) throws IOException {
        return WavFile.parse(Files.readAllBytes(file)).samples();
    }
}
