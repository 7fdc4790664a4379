package org.callrec.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.callrec.core.audio.AudioCodec;
import org.callrec.core.audio.G711;
import org.callrec.core.audio.WavFile;
import org.callrec.core.audio.WavHeader;
import org.callrec.core.chunk.Topics;
import org.callrec.core.protocol.Terminator;
import org.callrec.simulator.CallResult;
import org.callrec.simulator.Direction;
import org.callrec.simulator.EndMode;
import org.callrec.simulator.PhoneConfig;
import org.callrec.simulator.SimulatedPhone;
import org.callrec.testing.rtp.RtpPackets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A phone that follows PROTOCOL.md gets its call recorded as a playable WAV in S3, through the
 * three services, a real Kafka broker and a real S3 server, over real TCP and UDP sockets.
 */
class EndToEndRecordingTest {

    private static RecordingStack stack;
    private static Archive archive;

    @BeforeAll
    static void startTheSuite(TestInfo test) throws Exception {
        // embedded infrastructure here, the compose file's images in EndToEndRecordingContainersTest
        stack = RecordingStack.start(Infra.Kind.forTest(test));
        archive = new Archive(stack.s3Client(), RecordingStack.BUCKET);
    }

    @AfterAll
    static void stopTheSuite() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void phonesRecordingAtOnceEachGetASampleExactWavAndTrueMetadata() throws Exception {
        // Five phones call at the same time: both codecs, every framing, a UTF-8 name,
        // and one whose control connection drops before it could send a stop.
        List<PhoneConfig> phones = List.of(
                phone(AudioCodec.PCMA, Terminator.NONE, EndMode.STOP, 440).remoteName("Zoë Müller — 東京").build(),
                phone(AudioCodec.PCMU, Terminator.CRLF, EndMode.STOP, 523).direction(Direction.IN).build(),
                phone(AudioCodec.PCMA, Terminator.LF, EndMode.STOP, 659).extra("x_vendor", "a&b=c").build(),
                phone(AudioCodec.PCMU, Terminator.NUL, EndMode.STOP, 784).build(),
                phone(AudioCodec.PCMA, Terminator.CRLF, EndMode.DROP, 880).build());
        List<CallResult> calls = callAtOnce(phones);
        assertThat(calls).allSatisfy(c -> assertThat(c.started()).as("start answered success: %s", c).isTrue());

        for (CallResult call : calls) {
            Archive.Stored stored = awaitStored(call);
            PhoneConfig c = call.config();

            // The audio: a standard 16-bit 8 kHz mono WAV holding exactly the G.711 decode of what the phone sent.
            WavFile wav = stored.wav();
            assertThat(wav.formatTag()).isEqualTo(WavHeader.FORMAT_PCM);
            assertThat(wav.bitsPerSample()).isEqualTo(16);
            assertThat(wav.sampleRate()).isEqualTo(8000);
            assertThat(wav.channels()).isEqualTo(1);
            assertThat(wav.samples()).as("samples of %s", c.sessionId()).isEqualTo(call.expectedPcm());
            if (Ffmpeg.available()) {
                // An independent decoder reads the same audio.
                assertThat(Ffmpeg.decodeToPcm16(stored.wavBytes())).isEqualTo(call.expectedPcm());
            }

            // The metadata says what the phone said.
            JsonNode m = stored.metadata();
            assertThat(m.path("tenant").asText()).isEqualTo(RecordingStack.TENANT);
            assertThat(m.path("phone").path("device").asText()).isEqualToIgnoringCase(c.device());
            assertThat(m.path("codec").asText()).isEqualTo(c.codec().name());
            assertThat(m.path("direction").asText()).isEqualTo(c.direction().wire());
            assertThat(m.path("localNumber").asText()).isEqualTo(c.localNumber());
            assertThat(m.path("localName").asText()).isEqualTo(c.localName());
            assertThat(m.path("remoteNumber").asText()).isEqualTo(c.remoteNumber());
            assertThat(m.path("remoteName").asText()).isEqualTo(c.remoteName());
            assertThat(m.path("stopReason").asText())
                    .isEqualTo(c.endMode() == EndMode.DROP ? "socket-error" : c.stopReason());
            assertThat(m.path("durationSeconds").asDouble())
                    .isCloseTo(call.payloadLength() / 8000.0, org.assertj.core.data.Offset.offset(0.001));
            assertThat(m.path("quality").path("packetsPlaced").asLong()).isEqualTo(call.packetsSent());
            assertThat(m.path("quality").path("packetsLost").asLong()).isZero();
            assertThat(stored.metadataKey())
                    .matches(RecordingStack.TENANT + "/\\d{4}/\\d{2}/\\d{2}/[0-9a-f-]{36}\\.json");
        }
        assertThat(awaitStored(calls.get(2)).metadata().path("fields").path("x_vendor").asText()).isEqualTo("a&b=c");

        // Downstream consumers hear of each recording on the completion topic.
        List<String> ids = calls.stream().map(c -> awaitStoredUnchecked(c).metadata().path("recordingId").asText()).toList();
        assertThat(completedRecordingIds(ids)).containsAll(ids);
    }

    @Test
    void oneConnectionCarriesSeveralRecordingsInSequence() throws Exception {
        try (RawPhone phone = new RawPhone("127.0.0.1", stack.controlPort)) {
            byte[][] sent = new byte[2][];
            for (int i = 0; i < 2; i++) {
                // Start, 25 packets, stop — twice on the same TCP connection.
                Map<String, String> start = phone.send("cmd=RecordStartRequest&id=seq" + i
                        + "&device=0C383E00AA0" + i + "&remote_number=200&remote_name=Bob&local_number=100"
                        + "&local_name=Alice&dir=out&codec=PCMA");
                assertThat(start).containsEntry("cmd", "RecordStartResponse").containsEntry("id", "seq" + i)
                        .containsEntry("result", "success").containsKeys("server", "port");
                sent[i] = phone.sendRtp(start.get("server"), Integer.parseInt(start.get("port")), 25, (byte) (i * 40));
                Map<String, String> stop = phone.send("cmd=RecordStopRequest&id=seq" + i + "&reason=hangup");
                assertThat(stop).containsEntry("cmd", "RecordStopResponse").containsEntry("id", "seq" + i)
                        .containsEntry("result", "success");
            }
            for (int i = 0; i < 2; i++) {
                Archive.Stored stored = awaitStored("seq" + i, "0c:38:3e:00:aa:0" + i);
                assertThat(stored.wav().samples()).isEqualTo(alaw(sent[i]));
            }
        }
    }

    @Test
    void badCommandsGetAClearFailedAnswerAndTheConnectionStaysUsable() throws Exception {
        try (RawPhone phone = new RawPhone("127.0.0.1", stack.controlPort)) {
            assertThat(phone.send("cmd=RecordStartRequest&id=b1&device=0c383e000001&codec=OPUS"))
                    .containsEntry("result", "failed").containsEntry("reason", "unsupported-codec");
            assertThat(phone.send("cmd=RecordStartRequest&id=b2&device=not-a-mac&codec=PCMA"))
                    .containsEntry("result", "failed").containsEntry("reason", "bad-request");
            assertThat(phone.send("cmd=RecordStartRequest&device=0c383e000001&codec=PCMA"))
                    .containsEntry("result", "failed").containsEntry("reason", "bad-request");
            assertThat(phone.send("cmd=RecordStartRequest&id=b3&device=0c383e000001&codec=PCMA&dir=sideways"))
                    .containsEntry("result", "failed").containsEntry("reason", "bad-request");
            assertThat(phone.send("id=%ZZ&&cmd")).containsEntry("result", "failed").containsEntry("reason", "bad-request");
            assertThat(phone.send("cmd=RecordStopRequest&id=never-started"))
                    .containsEntry("cmd", "RecordStopResponse").containsEntry("result", "failed");
            // After all that, the same connection still records.
            assertThat(phone.send("cmd=RecordStartRequest&id=b4&device=0c:38:3e:00:00:01&codec=alaw"))
                    .containsEntry("result", "success");
            assertThat(phone.send("cmd=RecordStopRequest&id=b4")).containsEntry("result", "success");
        }
    }

    @Test
    void packetsFromAnotherAddressNeverReachTheAudio() throws Exception {
        try (RawPhone phone = new RawPhone("127.0.0.1", stack.controlPort);
             RawPhone intruder = new RawPhone("127.0.0.2", stack.controlPort)) {
            Map<String, String> start = phone.send(
                    "cmd=RecordStartRequest&id=spoof1&device=0c383e0000ff&codec=PCMA&dir=in");
            String server = start.get("server");
            int port = Integer.parseInt(start.get("port"));
            // Someone else aims well-formed RTP and garbage at the same port, before and during the call.
            byte[] forged = new byte[172];
            forged[0] = (byte) 0x80;
            forged[1] = 8;
            for (int i = 0; i < 20; i++) {
                intruder.sendDatagram(server, port, forged);
                intruder.sendDatagram(server, port, new byte[] {1, 2, 3});
            }
            byte[] sent = phone.sendRtp(server, port, 30, (byte) 7);
            phone.sendDatagram(server, port, new byte[] {(byte) 0xFF, 0, 1}); // garbage from the phone itself
            assertThat(phone.send("cmd=RecordStopRequest&id=spoof1&reason=hangup")).containsEntry("result", "success");

            Archive.Stored stored = awaitStored("spoof1", "0c:38:3e:00:00:ff");
            assertThat(stored.wav().samples()).isEqualTo(alaw(sent));
            JsonNode dropped = stored.metadata().path("quality").path("droppedByReason");
            assertThat(dropped.path("foreign-source").asLong()).isEqualTo(40);
            assertThat(dropped.path("malformed").asLong()).isEqualTo(1);
        }
    }

    @Test
    void lossReorderingDuplicatesAndWrapAroundStillGiveTheTimelineThePhoneSent() throws Exception {
        // 40 packets whose sequence numbers wrap (65520 → 23) and timestamps cross 2^32; the
        // network loses packet 7, swaps 20 and 21, and delivers packet 30 twice.
        int firstSeq = 65520;
        long firstTs = 0xFFFF_FFFFL - 160L * 12;
        long ssrc = 0x0BADCAFEL;
        byte[][] payloads = new byte[40][160];
        for (int k = 0; k < 40; k++) {
            for (int j = 0; j < 160; j++) {
                payloads[k][j] = (byte) (k * 7 + j);
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int k = 0; k < 40; k++) {
            order.add(k);
        }
        order.remove(Integer.valueOf(7));
        java.util.Collections.swap(order, order.indexOf(20), order.indexOf(21));
        order.add(order.indexOf(30) + 1, 30);
        List<byte[]> datagrams = new ArrayList<>();
        for (int k : order) {
            datagrams.add(RtpPackets.pcma((firstSeq + k) & 0xFFFF, (firstTs + 160L * k) & 0xFFFF_FFFFL, ssrc, payloads[k]));
        }

        try (RawPhone phone = new RawPhone("127.0.0.1", stack.controlPort)) {
            Map<String, String> start = phone.send("cmd=RecordStartRequest&id=impaired1&device=0c383e0000ee&codec=PCMA");
            phone.sendPaced(start.get("server"), Integer.parseInt(start.get("port")), datagrams);
            assertThat(phone.send("cmd=RecordStopRequest&id=impaired1&reason=hangup")).containsEntry("result", "success");
        }

        // The WAV holds every packet at its place, and 20 ms of silence where packet 7 was.
        short[] expected = new short[40 * 160];
        for (int k = 0; k < 40; k++) {
            for (int j = 0; j < 160; j++) {
                expected[k * 160 + j] = k == 7 ? 0 : G711.alawToLinear(payloads[k][j]);
            }
        }
        Archive.Stored stored = awaitStored("impaired1", "0c:38:3e:00:00:ee");
        assertThat(stored.wav().samples()).isEqualTo(expected);
        if (Ffmpeg.available()) {
            assertThat(Ffmpeg.decodeToPcm16(stored.wavBytes())).isEqualTo(expected);
        }
        JsonNode q = stored.metadata().path("quality");
        assertThat(q.path("packetsExpected").asLong()).isEqualTo(40);
        assertThat(q.path("packetsPlaced").asLong()).isEqualTo(39);
        assertThat(q.path("packetsLost").asLong()).isEqualTo(1);
        assertThat(q.path("packetsDuplicated").asLong()).isEqualTo(1);
        assertThat(stored.metadata().path("startRequest").path("device").asText()).isEqualTo("0c383e0000ee");
    }

    // ---------------------------------------------------------------------------------------

    private static PhoneConfig.Builder phone(AudioCodec codec, Terminator terminator, EndMode end, double hz) {
        return PhoneConfig.builder().control("127.0.0.1", stack.controlPort).codec(codec).terminator(terminator)
                .endMode(end).toneHz(hz).duration(Duration.ofSeconds(3));
    }

    private static List<CallResult> callAtOnce(List<PhoneConfig> phones) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(phones.size());
        try {
            List<Future<CallResult>> futures = new ArrayList<>();
            for (PhoneConfig p : phones) {
                futures.add(pool.submit(() -> SimulatedPhone.call(p)));
            }
            List<CallResult> results = new ArrayList<>();
            for (Future<CallResult> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdown();
        }
    }

    private static Archive.Stored awaitStored(CallResult call) throws Exception {
        return awaitStored(call.config().sessionId(), call.config().device());
    }

    private static Archive.Stored awaitStoredUnchecked(CallResult call) {
        try {
            return awaitStored(call);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Archive.Stored awaitStored(String sessionId, String device) {
        AtomicReference<Archive.Stored> found = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Optional<Archive.Stored> s = archive.find(sessionId, device);
            s.ifPresent(found::set);
            return s.isPresent();
        });
        return found.get();
    }

    static short[] alaw(byte[] payload) {
        short[] s = new short[payload.length];
        for (int i = 0; i < payload.length; i++) {
            s[i] = G711.alawToLinear(payload[i]);
        }
        return s;
    }

    private static List<String> completedRecordingIds(List<String> wanted) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.infra.kafkaBootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "e2e-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        ObjectMapper json = new ObjectMapper();
        List<String> ids = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.COMPLETED));
            long deadline = System.currentTimeMillis() + 30_000;
            while (!ids.containsAll(wanted) && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    try {
                        JsonNode event = json.readTree(r.value());
                        assertThat(event.path("recordingId").asText()).isEqualTo(r.key());
                        ids.add(r.key());
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
        return ids;
    }
}
