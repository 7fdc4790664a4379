package org.callrec.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import org.callrec.core.audio.G711;
import org.callrec.testing.rtp.RtpPackets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Faults injected mid-call into the real suite (real broker, real S3, the services as child
 * JVMs, real sockets). Each test compares the stored audio, packet by packet, with what the
 * phone sent: audio may be missing only for the time the phone could not reach a live ingest
 * node, and then as silence at its place.
 */
class FaultInjectionTest {

    private RecordingStack stack;
    /** Embedded infrastructure here; the compose file's images in the {@code *ContainersTest} subclass. */
    private final Infra.Kind infra = Infra.Kind.forTest(getClass());

    @AfterEach
    void stopTheSuite() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @DisplayName("broker restarted mid-call: the stored audio is exactly what the phone sent (ingest buffered the outage)")
    void brokerRestartLosesNothing() throws Exception {
        stack = RecordingStack.start(infra, true, FaultInjectionTest::patientControl);
        try (RawPhone phone = new RawPhone("127.0.0.1", stack.controlPort)) {
            Map<String, String> start = phone.send(startCommand("kafka1", "0c383e00bb01"));
            assertThat(start).containsEntry("result", "success");
            StreamingPhone rtp = StreamingPhone.start(phone, start);

            // 2 s of call, then the broker is away for 5 s while the phone goes on
            rtp.awaitPackets(100);
            stack.stopKafka();
            rtp.awaitPackets(350);
            stack.startKafkaAgain();
            rtp.awaitPackets(500);
            rtp.stop();
            assertThat(phone.send("cmd=RecordStopRequest&id=kafka1&reason=hangup")).containsEntry("result", "success");

            Archive.Stored stored = awaitStored("kafka1", "0c:38:3e:00:bb:01", Duration.ofSeconds(120));
            assertThat(stored.wav().samples()).isEqualTo(rtp.expectedPcm());
            assertThat(stored.metadata().path("stopReason").asText()).isEqualTo("hangup");
        }
    }

    @Test
    @DisplayName("ingest node killed (-9) and started again mid-call: the call goes on in the same recording, silence only where the node was away")
    void ingestRestartContinuesTheRecording() throws Exception {
        stack = RecordingStack.start(infra, false, FaultInjectionTest::patientControl);
        try (RawPhone phone = new RawPhone("127.0.0.1", stack.controlPort)) {
            Map<String, String> start = phone.send(startCommand("ingest1", "0c383e00bb02"));
            assertThat(start).containsEntry("result", "success");
            StreamingPhone rtp = StreamingPhone.start(phone, start);

            // 2 s of call; the node dies and comes back on the same ports and node id
            rtp.awaitPackets(100);
            long killed = System.nanoTime();
            stack.killIngest();
            stack.startIngest();
            long back = System.nanoTime();
            rtp.awaitPackets(rtp.sent() + 150);
            rtp.stop();
            assertThat(phone.send("cmd=RecordStopRequest&id=ingest1&reason=hangup")).containsEntry("result", "success");

            Archive.Stored stored = awaitStored("ingest1", "0c:38:3e:00:bb:02", Duration.ofSeconds(60));
            // Before the kill (less what was not yet published) and after the restart: exact;
            // in between: silence in place of what the phone sent to no one
            int silent = rtp.assertMatches(stored.wav().samples(), killed - Duration.ofSeconds(1).toNanos(),
                    back + Duration.ofSeconds(1).toNanos());
            assertThat(silent).as("packets lost while the node was away").isPositive();
            assertThat(stored.metadata().path("stopReason").asText()).isEqualTo("hangup");
        }
    }

    @Test
    @DisplayName("ingest node stopped (SIGTERM) mid-call and started again: the call is handed over, no END in between, silence only while no node listened")
    void ingestRollingRestartHandsTheCallOver() throws Exception {
        stack = RecordingStack.start(infra, false, s -> {
            patientControl(s);
            s.ingestConfig.put("ingest.shutdown.drain", "1s");
        });
        try (RawPhone phone = new RawPhone("127.0.0.1", stack.controlPort)) {
            Map<String, String> start = phone.send(startCommand("rolling1", "0c383e00bb04"));
            assertThat(start).containsEntry("result", "success");
            StreamingPhone rtp = StreamingPhone.start(phone, start);

            // 2 s of call; the node is stopped (drain 1 s, then hand-over) and started again
            rtp.awaitPackets(100);
            long stopping = System.nanoTime();
            stack.stopIngest();
            assertThat(stack.ingest().output()).contains("handed over");
            stack.startIngest();
            long back = System.nanoTime();
            rtp.awaitPackets(rtp.sent() + 150);
            rtp.stop();
            assertThat(phone.send("cmd=RecordStopRequest&id=rolling1&reason=hangup")).containsEntry("result", "success");

            Archive.Stored stored = awaitStored("rolling1", "0c:38:3e:00:bb:04", Duration.ofSeconds(60));
            // Exact until the drain ended and from the restart on; silence in between
            int silent = rtp.assertMatches(stored.wav().samples(), stopping + Duration.ofMillis(500).toNanos(),
                    back + Duration.ofSeconds(1).toNanos());
            assertThat(silent).as("packets sent while no node listened").isPositive();
            assertThat(stored.metadata().path("stopReason").asText()).isEqualTo("hangup");
        }
    }

    @Test
    @DisplayName("control instance killed (-9) mid-call: the ingest node ends the recording as control-lost after the lease ttl, all audio kept")
    void controlKillEndsTheRecordingAsControlLost() throws Exception {
        stack = RecordingStack.start(infra, false, s -> {
            patientControl(s);
            s.ingestConfig.put("ingest.lease.ttl", "3s");
            s.controlConfig.put("control.lease.renew-interval", "500ms");
        });
        try (RawPhone phone = new RawPhone("127.0.0.1", stack.controlPort)) {
            Map<String, String> start = phone.send(startCommand("control1", "0c383e00bb03"));
            assertThat(start).containsEntry("result", "success");
            StreamingPhone rtp = StreamingPhone.start(phone, start);

            // 5 s of call (longer than the ttl: the renewals keep it open), then control dies
            rtp.awaitPackets(250);
            long killed = System.nanoTime();
            stack.killControl();
            // The phone streams on for a second before it acts on the broken connection
            rtp.awaitPackets(300);
            rtp.stop();

            Archive.Stored stored = awaitStored("control1", "0c:38:3e:00:bb:03", Duration.ofSeconds(60));
            assertThat(stored.metadata().path("stopReason").asText()).isEqualTo("control-lost");
            assertThat(Duration.ofNanos(System.nanoTime() - killed)).isGreaterThan(Duration.ofSeconds(2));
            assertThat(stored.wav().samples()).isEqualTo(rtp.expectedPcm());
        }
    }

    // ---------------------------------------------------------------------------------------

    /** A cold ingest JVM on a loaded machine may take seconds for its first allocation. */
    private static void patientControl(RecordingStack s) {
        s.controlConfig.put("control.ingest.timeout", "10s");
    }

    private static String startCommand(String id, String device) {
        return "cmd=RecordStartRequest&id=" + id + "&device=" + device + "&remote_number=200&remote_name=Bob"
                + "&local_number=100&local_name=Alice&dir=out&codec=PCMA";
    }

    private Archive.Stored awaitStored(String sessionId, String device, Duration atMost) {
        Archive archive = new Archive(stack.s3Client(), RecordingStack.BUCKET);
        AtomicReference<Archive.Stored> found = new AtomicReference<>();
        await().atMost(atMost).pollInterval(Duration.ofMillis(500)).until(() -> {
            Optional<Archive.Stored> s = archive.find(sessionId, device);
            s.ifPresent(found::set);
            return s.isPresent();
        });
        return found.get();
    }

    /**
     * The phone's RTP: 20 ms PCMA packets sent in real time from a thread of their own, each
     * with a payload of its own (so a packet out of place shows), remembering when each left.
     */
    static final class StreamingPhone {
        private record Sent(long atNanos, byte[] payload) {
        }

        private final List<Sent> sent = new CopyOnWriteArrayList<>();
        private final Thread thread;
        private volatile boolean running = true;
        private volatile Exception failure;

        private StreamingPhone(RawPhone phone, String server, int port) {
            thread = new Thread(() -> {
                long t0 = System.nanoTime();
                try {
                    for (int i = 0; running; i++) {
                        byte[] payload = new byte[160];
                        for (int j = 0; j < 160; j++) {
                            payload[j] = (byte) (i * 13 + j * 3 + 1);
                        }
                        phone.sendDatagram(server, port, RtpPackets.pcma(i & 0xFFFF, 160L * i, 0x5EED0001L, payload));
                        sent.add(new Sent(System.nanoTime(), payload));
                        long wait = t0 + (i + 1) * 20_000_000L - System.nanoTime();
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
                        }
                    }
                } catch (IOException | InterruptedException e) {
                    failure = e;
                }
            }, "streaming-phone");
            thread.start();
        }

        static StreamingPhone start(RawPhone phone, Map<String, String> startAnswer) {
            return new StreamingPhone(phone, startAnswer.get("server"), Integer.parseInt(startAnswer.get("port")));
        }

        int sent() {
            return sent.size();
        }

        void awaitPackets(int count) {
            await().atMost(Duration.ofSeconds(count / 50 + 30)).pollInterval(Duration.ofMillis(10))
                    .until(() -> sent.size() >= count || failure != null);
            assertThat(failure).isNull();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(5000);
            assertThat(failure).isNull();
        }

        /** Every packet sent, decoded: what a loss-free recording holds. */
        short[] expectedPcm() {
            short[] pcm = new short[sent.size() * 160];
            for (int i = 0; i < sent.size(); i++) {
                decode(sent.get(i).payload(), pcm, i * 160);
            }
            return pcm;
        }

        /**
         * Asserts that {@code stored} holds every packet in place: exact for packets sent outside
         * [{@code fromNanos}, {@code toNanos}], exact or silence inside. Returns how many were silence.
         */
        int assertMatches(short[] stored, long fromNanos, long toNanos) {
            assertThat(stored.length).as("samples: one packet's worth per packet sent").isEqualTo(sent.size() * 160);
            short[] expected = new short[160];
            short[] silence = new short[160];
            int silent = 0;
            List<Integer> wrong = new ArrayList<>();
            for (int i = 0; i < sent.size(); i++) {
                decode(sent.get(i).payload(), expected, 0);
                short[] actual = Arrays.copyOfRange(stored, i * 160, (i + 1) * 160);
                boolean mayBeLost = sent.get(i).atNanos() >= fromNanos && sent.get(i).atNanos() <= toNanos;
                if (Arrays.equals(actual, expected)) {
                    continue;
                }
                if (mayBeLost && Arrays.equals(actual, silence)) {
                    silent++;
                } else {
                    wrong.add(i);
                }
            }
            assertThat(wrong).as("packets neither in place nor silence where the node was away").isEmpty();
            return silent;
        }

        private static void decode(byte[] payload, short[] into, int offset) {
            for (int j = 0; j < payload.length; j++) {
                into[offset + j] = G711.alawToLinear(payload[j]);
            }
        }
    }
}
