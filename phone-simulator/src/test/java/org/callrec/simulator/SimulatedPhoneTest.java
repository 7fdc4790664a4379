package org.callrec.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;

import org.callrec.core.audio.AudioCodec;
import org.callrec.core.audio.G711;
import org.callrec.core.protocol.Command;
import org.callrec.core.protocol.Terminator;
import org.callrec.core.rtp.RtpHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SimulatedPhoneTest {

    private FakeRecordingServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = new FakeRecordingServer();
    }

    @AfterEach
    void stopServer() throws IOException {
        server.close();
    }

    private PhoneConfig.Builder phone() {
        return PhoneConfig.builder().control("127.0.0.1", server.controlPort()).duration(Duration.ofMillis(200));
    }

    @Test
    void startCommandCarriesEveryFieldPercentEncoded() {
        PhoneConfig config = phone()
                .sessionId("a1b2c3").device("0c:38:3e:12:34:56").codec(AudioCodec.PCMU).direction(Direction.IN)
                .localNumber("1001").localName("Alice & Bob").remoteNumber("+33 1 23").remoteName("Zoë Müller")
                .extra("x-line", "2")
                .build();

        CallResult result = SimulatedPhone.call(config);

        assertThat(result.success()).as(result.toString()).isTrue();
        // The phone's first command, byte for byte: standard keys in the guide's order, then extras.
        FakeRecordingServer.Received first = server.commands.get(0);
        assertThat(first.frame().text()).isEqualTo("cmd=RecordStartRequest&id=a1b2c3&device=0c%3A38%3A3e%3A12%3A34%3A56"
                + "&remote_number=%2B33%201%2023&remote_name=Zo%C3%AB%20M%C3%BCller&local_number=1001"
                + "&local_name=Alice%20%26%20Bob&dir=in&codec=PCMU&x-line=2");
        assertThat(first.frame().terminator()).isEqualTo(Terminator.NONE);
        // ... and as the server decodes it.
        Command start = first.command();
        assertThat(start.name()).isEqualTo(Command.START_REQUEST);
        assertThat(start.params()).containsExactly(
                entry("id", "a1b2c3"), entry("device", "0c:38:3e:12:34:56"), entry("remote_number", "+33 1 23"),
                entry("remote_name", "Zoë Müller"), entry("local_number", "1001"), entry("local_name", "Alice & Bob"),
                entry("dir", "in"), entry("codec", "PCMU"), entry("x-line", "2"));
        // The stop repeats the numbers and names, with the reason.
        Command stop = server.commandsNamed(Command.STOP_REQUEST).get(0);
        assertThat(stop.params()).containsExactly(
                entry("id", "a1b2c3"), entry("remote_number", "+33 1 23"), entry("remote_name", "Zoë Müller"),
                entry("local_number", "1001"), entry("local_name", "Alice & Bob"), entry("reason", "hangup"));
        assertThat(result.startResponse().getOr("port", "")).isEqualTo(Integer.toString(server.mediaPort()));
        assertThat(result.server()).isEqualTo("127.0.0.1");
        assertThat(result.port()).isEqualTo(server.mediaPort());
        assertThat(result.startLatencyNanos()).isPositive();
        assertThat(result.stopResponse().getOr("result", "")).isEqualTo("success");
        assertThat(result.stopLatencyNanos()).isPositive();
    }

    @Test
    void rtpStreamIsRealTimeContiguousAndWrapsAround() {
        // Seq and timestamp start just below their wrap points, so both wrap within one second.
        PhoneConfig config = phone().duration(Duration.ofSeconds(1)).codec(AudioCodec.PCMA)
                .initialSeq(65_530).initialTimestamp(0xFFFF_FF00L).ssrc(0xCAFEBABEL).build();

        long before = System.nanoTime();
        CallResult result = SimulatedPhone.call(config);
        long elapsed = System.nanoTime() - before;

        assertThat(result.success()).as(result.toString()).isTrue();
        assertThat(result.packetsSent()).isEqualTo(50);
        List<FakeRecordingServer.Datagram> packets = server.datagrams;
        assertThat(packets).hasSize(50);

        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        for (int i = 0; i < packets.size(); i++) {
            byte[] p = packets.get(i).data();
            assertThat(RtpHeader.check(p, 0, p.length)).isEqualTo(RtpHeader.Problem.NONE);
            assertThat(RtpHeader.payloadType(p, 0)).isEqualTo(8);
            assertThat(RtpHeader.marker(p, 0)).isEqualTo(i == 0);
            assertThat(RtpHeader.ssrc(p, 0)).isEqualTo(0xCAFEBABEL);
            assertThat(RtpHeader.sequenceNumber(p, 0)).isEqualTo((65_530 + i) & 0xFFFF);
            assertThat(RtpHeader.timestamp(p, 0)).isEqualTo((0xFFFF_FF00L + 160L * i) & 0xFFFF_FFFFL);
            assertThat(RtpHeader.payloadLength(p, 0, p.length)).isEqualTo(160);
            payload.write(p, RtpHeader.FIXED_LENGTH, 160);
        }
        // What arrived is exactly what the phone says it sent, and decodes to a ~8000 tone.
        assertThat(payload.toByteArray()).isEqualTo(result.payloadSent());
        // … and the phone's seed makes the same bytes again (what the benchmark checks files with).
        assertThat(result.replayPayload()).isEqualTo(result.payloadSent());
        short[] pcm = result.expectedPcm();
        assertThat(pcm).hasSize(8000);
        assertThat(pcm[5]).isEqualTo(G711.alawToLinear(result.payloadSent()[5]));
        int peak = 0;
        for (short s : pcm) {
            peak = Math.max(peak, Math.abs(s));
        }
        assertThat(peak).isBetween(7000, 9500);

        // RTP comes from the phone's own address (the control connection's local address).
        assertThat(packets).allSatisfy(d -> assertThat(d.source().getAddress().getHostAddress())
                .isEqualTo(result.localAddress()));
        assertThat(packets.get(0).source().getPort()).isEqualTo(result.localRtpPort());

        // Real-time pacing: 49 intervals of 20 ms ≈ 0.98 s (generous bounds, no tight timing).
        long span = packets.get(49).arrivalNanos() - packets.get(0).arrivalNanos();
        assertThat(span).isBetween(800_000_000L, 1_600_000_000L);
        assertThat(elapsed).isGreaterThanOrEqualTo(950_000_000L);

        // The stop comes after the last packet.
        FakeRecordingServer.Received stop = server.commands.stream()
                .filter(r -> r.command().is(Command.STOP_REQUEST)).findFirst().orElseThrow();
        assertThat(stop.arrivalNanos()).isGreaterThan(packets.get(49).arrivalNanos());
        assertThat(result.stopSentAtMillis()).isGreaterThan(result.startedAtMillis());
    }

    @Test
    void phoneBoundToAnotherLoopbackAddressSendsRtpFromIt() {
        CallResult result = SimulatedPhone.call(phone().localAddress("127.0.0.2").build());

        assertThat(result.success()).as(result.toString()).isTrue();
        assertThat(result.localAddress()).isEqualTo("127.0.0.2");
        assertThat(server.peers.get(1).getAddress().getHostAddress()).isEqualTo("127.0.0.2");
        assertThat(server.datagrams).isNotEmpty()
                .allSatisfy(d -> assertThat(d.source().getAddress().getHostAddress()).isEqualTo("127.0.0.2"));
    }

    @Test
    void pcmuUsesPayloadType0AndUlaw() {
        CallResult result = SimulatedPhone.call(phone().codec(AudioCodec.PCMU).build());

        assertThat(result.success()).isTrue();
        assertThat(server.datagrams).hasSize(10)
                .allSatisfy(d -> assertThat(RtpHeader.payloadType(d.data(), 0)).isZero());
        assertThat(result.expectedPcm()[3]).isEqualTo(G711.ulawToLinear(result.payloadSent()[3]));
    }

    @Test
    @DisplayName("G.722: payload type 9, 160 bytes and +160 timestamp units per 20 ms, decoding to the tone at 16 kHz")
    void g722SendsWidebandTonePacketsOnAnEightKilohertzClock() {
        PhoneConfig config = phone().codec(AudioCodec.G722).toneHz(1000).initialTimestamp(1000L).build();

        CallResult result = SimulatedPhone.call(config);

        assertThat(result.success()).as(result.toString()).isTrue();
        List<FakeRecordingServer.Datagram> packets = server.datagrams;
        assertThat(packets).hasSize(10);
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        for (int i = 0; i < packets.size(); i++) {
            byte[] p = packets.get(i).data();
            assertThat(RtpHeader.payloadType(p, 0)).isEqualTo(9);
            assertThat(RtpHeader.timestamp(p, 0)).isEqualTo(1000L + 160L * i);
            assertThat(RtpHeader.payloadLength(p, 0, p.length)).isEqualTo(160);
            payload.write(p, RtpHeader.FIXED_LENGTH, 160);
        }
        assertThat(payload.toByteArray()).isEqualTo(result.payloadSent());

        // 200 ms at 16 kHz; our decoder gives back the 1 kHz tone: ~2 zero crossings per ms
        short[] pcm = result.expectedPcm();
        assertThat(pcm).hasSize(3200);
        int crossings = 0;
        int peak = 0;
        for (int i = 320; i < pcm.length; i++) {
            peak = Math.max(peak, Math.abs(pcm[i]));
            if ((pcm[i - 1] < 0) != (pcm[i] < 0)) {
                crossings++;
            }
        }
        assertThat(crossings).isBetween(2 * 180 - 10, 2 * 180 + 10);
        assertThat(peak).isBetween(6500, 10_000);
    }

    @Test
    void sameConfigurationSendsTheSameAudio() {
        PhoneConfig config = phone().sessionId("fixed").device("0c:38:3e:00:00:01").initialSeq(1).build();

        byte[] first = SimulatedPhone.call(config).payloadSent();
        byte[] second = SimulatedPhone.call(config).payloadSent();

        assertThat(first).hasSize(1600).isEqualTo(second);
        // Not periodic: the 440 Hz tone's period is not a whole number of packets, and noise is added.
        assertThat(java.util.Arrays.copyOfRange(first, 0, 160)).isNotEqualTo(java.util.Arrays.copyOfRange(first, 160, 320));
    }

    @ParameterizedTest
    @EnumSource(Terminator.class)
    void everyTerminatorIsSentAndItsMirroredAnswerUnderstood(Terminator terminator) {
        CallResult result = SimulatedPhone.call(phone().terminator(terminator).build());

        assertThat(result.success()).as(result.toString()).isTrue();
        assertThat(server.commands).extracting(r -> r.frame().terminator()).containsOnly(terminator);
        assertThat(server.commands).extracting(r -> r.command().name())
                .containsExactly(Command.START_REQUEST, Command.STOP_REQUEST);
    }

    @Test
    void answerSplitOverTwoReadsIsAwaited() {
        // "…&result=su" then, 100 ms later, "ccess&server=…&port=…", no terminator.
        server.splitAnswerAfter = "result=su";

        CallResult result = SimulatedPhone.call(phone().build());

        assertThat(result.success()).as(result.toString()).isTrue();
        assertThat(result.startResponse().getOr("result", "")).isEqualTo("success");
        assertThat(result.port()).isEqualTo(server.mediaPort());
        assertThat(result.startLatencyNanos()).isGreaterThanOrEqualTo(100_000_000L);
    }

    @Test
    void dropModeResetsTheConnectionWithoutAStop() {
        CallResult result = SimulatedPhone.call(phone().endMode(EndMode.DROP).build());

        assertThat(result.success()).as(result.toString()).isTrue();
        assertThat(result.packetsSent()).isEqualTo(10);
        assertThat(result.stopResponse()).isNull();
        assertThat(result.stopLatencyNanos()).isEqualTo(-1);
        assertThat(result.stopSentAtMillis()).isPositive();
        // The server saw the media, then the connection end, and never a stop.
        awaitClose();
        assertThat(server.commandsNamed(Command.STOP_REQUEST)).isEmpty();
        assertThat(server.datagrams).hasSize(10);
        assertThat(server.closes).hasSize(1);
        assertThat(server.closes.get(0).how()).isIn("reset", "eof");
    }

    @Test
    void failedAnswerIsReportedAndNoMediaSent() {
        server.answerStartWith = (req, port) -> "cmd=RecordStartResponse&id=" + req.getOr("id", "")
                + "&result=failed&reason=no-capacity";

        CallResult result = SimulatedPhone.call(phone().build());

        assertThat(result.success()).isFalse();
        assertThat(result.started()).isFalse();
        assertThat(result.failureReason()).contains("result=failed").contains("no-capacity");
        assertThat(result.startResponse().getOr("reason", "")).isEqualTo("no-capacity");
        assertThat(result.packetsSent()).isZero();
        assertThat(result.payloadSent()).isEmpty();
        assertThat(server.datagrams).isEmpty();
        assertThat(server.commandsNamed(Command.STOP_REQUEST)).isEmpty();
    }

    @Test
    void answerForAnotherIdIsAFailure() {
        server.answerStartWith = (req, port) -> "cmd=RecordStartResponse&id=other&result=success&port=" + port;

        CallResult result = SimulatedPhone.call(phone().sessionId("mine").build());

        assertThat(result.success()).isFalse();
        assertThat(result.failureReason()).contains("'other'").contains("'mine'");
        assertThat(server.datagrams).isEmpty();
    }

    @Test
    void missingAnswerTimesOut() {
        server.answerStartWith = (req, port) -> null;

        CallResult result = SimulatedPhone.call(phone().answerTimeout(Duration.ofMillis(300)).build());

        assertThat(result.success()).isFalse();
        assertThat(result.failureReason()).contains("no RecordStartResponse").contains("300 ms");
        assertThat(result.startLatencyNanos()).isEqualTo(-1);
    }

    @Test
    void refusedConnectionIsAFailure() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }

        CallResult result = SimulatedPhone.call(phone().controlPort(closedPort).build());

        assertThat(result.success()).isFalse();
        assertThat(result.failureReason()).startsWith("connect to 127.0.0.1:" + closedPort + " failed");
        assertThat(result.localAddress()).isNull();
    }

    @Test
    void serverClosingTheControlConnectionEndsTheMedia() {
        server.closeAfterStartMillis = 300;

        CallResult result = SimulatedPhone.call(phone().duration(Duration.ofSeconds(2)).build());

        assertThat(result.success()).isFalse();
        assertThat(result.started()).isTrue();
        assertThat(result.failureReason()).contains("during media");
        assertThat(result.packetsSent()).isBetween(5, 50);
        assertThat(result.payloadSent()).hasSize(result.packetsSent() * 160);
    }

    @Test
    void zeroDurationStartsAndStopsWithoutMedia() {
        CallResult result = SimulatedPhone.call(phone().duration(Duration.ZERO).build());

        assertThat(result.success()).isTrue();
        assertThat(result.packetsSent()).isZero();
        assertThat(server.commandsNamed(Command.STOP_REQUEST)).hasSize(1);
    }

    private void awaitClose() {
        await().atMost(Duration.ofSeconds(2)).until(() -> !server.closes.isEmpty());
    }

    private static java.util.Map.Entry<String, String> entry(String k, String v) {
        return java.util.Map.entry(k, v);
    }
}
