package org.callrec.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;

import org.callrec.control.protocol.ControlServer;
import org.callrec.control.session.ControlSessions;
import org.callrec.core.allocation.ReleaseRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Admission control on the phone port, per source address: connections, open recordings, start
 * rate, the idle timeout, and the bounded command queue with back-pressure. Each test connects
 * from loopback addresses of its own (127.0.0.x are distinct sources on Linux), so the sources'
 * shares do not mix; small limits of its own profile.
 */
@QuarkusTest
@WithTestResource(FakeIngestNodes.class)
@TestProfile(AdmissionTest.SmallLimits.class)
class AdmissionTest {

    static final int PER_SOURCE_CONNECTIONS = 3;
    static final int PER_SOURCE_RECORDINGS = 2;
    static final int BURST = 3;
    static final Duration IDLE = Duration.ofSeconds(1);
    static final int QUEUE = 32;
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Small limits; a start rate so low that no token comes back during the test. */
    public static final class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "control.admission.max-connections-per-source", Integer.toString(PER_SOURCE_CONNECTIONS),
                    "control.admission.max-open-recordings-per-source", Integer.toString(PER_SOURCE_RECORDINGS),
                    "control.admission.start-rate", "0.001",
                    "control.admission.start-burst", Integer.toString(BURST),
                    "control.admission.idle-timeout", IDLE.toMillis() + "ms",
                    "control.admission.max-queued-commands", Integer.toString(QUEUE));
        }
    }

    @Inject
    ControlServer server;
    @Inject
    ControlSessions sessions;
    @Inject
    MeterRegistry registry;

    FakeIngestNodes nodes;

    @BeforeEach
    void quiet() {
        nodes.reset();
        await().atMost(WAIT).until(() -> sessions.connections() == 0);
    }

    @Test
    @DisplayName("a source over its connection cap is answered too-many-connections and closed; other sources are not touched")
    void perSourceConnections() {
        double before = refusals("source-connections");
        List<PhoneConnection> held = new ArrayList<>();
        try {
            for (int i = 0; i < PER_SOURCE_CONNECTIONS; i++) {
                PhoneConnection c = new PhoneConnection("127.0.0.11", server.port());
                held.add(c);
                assertAdmitted(c);
            }
            try (PhoneConnection extra = new PhoneConnection("127.0.0.11", server.port())) {
                assertThat(extra.readToEnd()).isEqualTo("cmd=ErrorResponse&result=failed&reason=too-many-connections");
            }
            assertThat(refusals("source-connections") - before).isEqualTo(1);
            // another source is admitted meanwhile
            try (PhoneConnection other = new PhoneConnection("127.0.0.12", server.port())) {
                assertAdmitted(other);
            }
            // once one of the source's connections closed, it may connect again
            held.remove(0).close();
            await().atMost(WAIT).until(() -> sessions.connections() == PER_SOURCE_CONNECTIONS - 1);
            PhoneConnection again = new PhoneConnection("127.0.0.11", server.port());
            held.add(again);
            assertAdmitted(again);
        } finally {
            held.forEach(PhoneConnection::close);
        }
    }

    @Test
    @DisplayName("a source holding its cap of open recordings, over several connections, gets too-many-recordings")
    void perSourceRecordings() {
        double before = refusals("source-recordings");
        try (PhoneConnection a = new PhoneConnection("127.0.0.13", server.port());
             PhoneConnection b = new PhoneConnection("127.0.0.13", server.port())) {
            assertThat(a.send(PhoneConnection.startCommand("src-rec-1"))).containsEntry("result", "success");
            assertThat(b.send(PhoneConnection.startCommand("src-rec-2"))).containsEntry("result", "success");

            assertThat(a.send(PhoneConnection.startCommand("src-rec-3"))).isEqualTo(Map.of(
                    "cmd", "RecordStartResponse", "id", "src-rec-3", "result", "failed", "reason", "too-many-recordings"));
            assertThat(nodes.allocateCalls("src-rec-3")).isEmpty();
            assertThat(refusals("source-recordings") - before).isEqualTo(1);

            // a recording that ends gives its place back
            assertThat(b.send(PhoneConnection.stopCommand("src-rec-2"))).containsEntry("result", "success");
            assertThat(a.send(PhoneConnection.startCommand("src-rec-4"))).containsEntry("result", "success");
        }
    }

    @Test
    @DisplayName("starts over the source's rate are answered rate-limited, not allocated; reconnecting does not reset the rate")
    void startRate() {
        double before = refusals("source-start-rate");
        double answeredBefore = starts("rate-limited");
        try (PhoneConnection phone = new PhoneConnection("127.0.0.14", server.port())) {
            for (int i = 0; i < BURST; i++) {
                assertThat(phone.send(PhoneConnection.startCommand("rate-" + i))).containsEntry("result", "success");
                assertThat(phone.send(PhoneConnection.stopCommand("rate-" + i))).containsEntry("result", "success");
            }
            assertThat(phone.send(PhoneConnection.startCommand("rate-over"))).isEqualTo(Map.of(
                    "cmd", "RecordStartResponse", "id", "rate-over", "result", "failed", "reason", "rate-limited"));
        }
        try (PhoneConnection again = new PhoneConnection("127.0.0.14", server.port())) {
            assertThat(again.send(PhoneConnection.startCommand("rate-again"))).containsEntry("reason", "rate-limited");
        }
        assertThat(nodes.allocateCalls("rate-over")).isEmpty();
        assertThat(nodes.allocateCalls("rate-again")).isEmpty();
        assertThat(refusals("source-start-rate") - before).isEqualTo(2);
        assertThat(starts("rate-limited") - answeredBefore).isEqualTo(2);
        // another source has a bucket of its own
        try (PhoneConnection other = new PhoneConnection("127.0.0.15", server.port())) {
            assertThat(other.send(PhoneConnection.startCommand("rate-other"))).containsEntry("result", "success");
        }
    }

    @Test
    @DisplayName("a connection that holds no recording and sends nothing is closed after the idle timeout, and counted")
    void idleConnectionIsCut() {
        double before = counter("callrec.control.connections.idle.closed");
        try (PhoneConnection idle = new PhoneConnection("127.0.0.16", server.port())) {
            // the server closes it: the read ends without a byte (the socket's 10 s timeout would fail it)
            assertThat(idle.readToEnd()).isEmpty();
        }
        assertThat(counter("callrec.control.connections.idle.closed") - before).isEqualTo(1);
    }

    @Test
    @DisplayName("a connection holding an open recording is never cut by the idle timeout (a call on hold sends nothing)")
    void holdOpenCallIsNotCut() {
        double before = counter("callrec.control.connections.idle.closed");
        try (PhoneConnection phone = new PhoneConnection("127.0.0.17", server.port())) {
            assertThat(phone.send(PhoneConnection.startCommand("on-hold"))).containsEntry("result", "success");
            String recordingId = nodes.allocationFor("on-hold").orElseThrow().answer().recordingId();

            // three idle timeouts of silence: the recording stays open, nothing is released
            await().during(IDLE.multipliedBy(3)).atMost(IDLE.multipliedBy(5))
                    .until(() -> nodes.releaseCalls(recordingId).isEmpty() && sessions.connections() == 1);

            // the call ends normally, with the phone's reason
            assertThat(phone.send(PhoneConnection.stopCommand("on-hold"))).containsEntry("result", "success");
            assertThat(nodes.releaseCalls(recordingId)).extracting(ReleaseRequest::reason).containsExactly("hangup");
            assertThat(counter("callrec.control.connections.idle.closed") - before).isZero();

            // without a recording, the same connection is idle again and cut
            assertThat(phone.readToEnd()).isEmpty();
        }
    }

    @Test
    @DisplayName("one read with more commands than the queue holds is answered too-many-commands and the connection closed")
    void queueOverflowCloses() {
        double before = refusals("command-queue");
        try (PhoneConnection flooder = new PhoneConnection("127.0.0.18", server.port())) {
            flooder.write("cmd=X\n".repeat(QUEUE * 4));
            assertThat(flooder.readToEnd()).endsWith("cmd=ErrorResponse&result=failed&reason=too-many-commands\n");
        }
        assertThat(refusals("command-queue") - before).isEqualTo(1);
    }

    @Test
    @DisplayName("a peer that sends without reading: control pauses reading, its queue stays bounded, the peer is blocked, then cut")
    void nonReadingFlooderIsPausedThenCut() throws Exception {
        double idleBefore = counter("callrec.control.connections.idle.closed");
        // Each command asks an unknown-command answer of about its own size (the id is echoed)
        byte[] command = ("cmd=FloodRequest&id=" + "x".repeat(4000) + "\n").getBytes(StandardCharsets.US_ASCII);
        AtomicLong written = new AtomicLong();
        AtomicBoolean cut = new AtomicBoolean();
        try (Socket flooder = new Socket()) {
            flooder.setReceiveBufferSize(4096); // never read: its answers back up at once
            flooder.bind(new InetSocketAddress("127.0.0.19", 0));
            flooder.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            OutputStream out = flooder.getOutputStream();
            Thread writer = new Thread(() -> {
                try {
                    while (true) {
                        out.write(command);
                        written.addAndGet(command.length);
                    }
                } catch (IOException e) {
                    cut.set(true); // the server closed the connection
                }
            }, "flooder");
            writer.setDaemon(true);
            writer.start();

            // control stops reading once its answers back up ...
            await().atMost(WAIT.multipliedBy(2)).pollInterval(Duration.ofMillis(20)).until(() -> sessions.readingPaused() == 1);
            assertThat(registry.get("callrec.control.connections.reading.paused").gauge().value()).isEqualTo(1);
            // ... with no more commands in hand than its queue holds
            assertThat(sessions.mostQueuedCommands()).isLessThanOrEqualTo(QUEUE + 1);

            // it holds no recording: the idle timeout cuts it, and the blocked writer fails
            await().atMost(WAIT).untilTrue(cut);
            writer.join(WAIT.toMillis());
        }
        // what the flooder got into the connection is bounded by the TCP buffers, not by control's heap
        assertThat(written.get()).isLessThan(64L * 1024 * 1024);
        assertThat(counter("callrec.control.connections.idle.closed") - idleBefore).isEqualTo(1);
        await().atMost(WAIT).until(() -> registry.get("callrec.control.connections.reading.paused").gauge().value() == 0);
    }

    @Test
    @DisplayName("a real phone on another address keeps recording while a flooder from one address is refused")
    void realPhoneRecordsWhileAFlooderIsRefused() {
        double connectionsBefore = refusals("source-connections");
        List<PhoneConnection> flood = new ArrayList<>();
        try (PhoneConnection phone = new PhoneConnection("127.0.0.21", server.port())) {
            assertThat(phone.send(PhoneConnection.startCommand("real-call"))).containsEntry("result", "success");
            String recordingId = nodes.allocationFor("real-call").orElseThrow().answer().recordingId();

            // The flooder takes its connections ...
            for (int i = 0; i < PER_SOURCE_CONNECTIONS; i++) {
                PhoneConnection c = new PhoneConnection("127.0.0.20", server.port());
                flood.add(c);
                assertAdmitted(c);
            }
            // ... is refused more ...
            for (int i = 0; i < 5; i++) {
                try (PhoneConnection extra = new PhoneConnection("127.0.0.20", server.port())) {
                    assertThat(extra.readToEnd()).endsWith("reason=too-many-connections");
                }
            }
            // ... and its starts stop at its recordings cap, then at its rate
            List<String> reasons = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                Map<String, String> answer = flood.get(i % flood.size()).send(PhoneConnection.startCommand("flood-" + i));
                reasons.add(answer.getOrDefault("reason", answer.get("result")));
            }
            assertThat(reasons).startsWith("success", "success").contains("too-many-recordings").hasSize(10)
                    .filteredOn("success"::equals).hasSize(PER_SOURCE_RECORDINGS);
            assertThat(refusals("source-connections") - connectionsBefore).isEqualTo(5);

            // The real phone's call went on untouched and ends with its own reason
            assertThat(nodes.releaseCalls(recordingId)).isEmpty();
            assertThat(phone.send(PhoneConnection.stopCommand("real-call"))).containsEntry("result", "success");
            assertThat(nodes.releaseCalls(recordingId)).extracting(ReleaseRequest::reason).containsExactly("hangup");
            // and it may record its next call
            assertThat(phone.send(PhoneConnection.startCommand("real-call-2"))).containsEntry("result", "success");
        } finally {
            flood.forEach(PhoneConnection::close);
        }
    }

    /** The connection was admitted: it answers a command. */
    private static void assertAdmitted(PhoneConnection c) {
        assertThat(c.send("cmd=PingRequest&id=p")).containsEntry("reason", "unknown-command");
    }

    private double refusals(String limit) {
        return Meters.refusals(registry, limit);
    }

    private double starts(String result) {
        return Meters.count(registry, "callrec.control.commands", "command", "RecordStartRequest", "result", result);
    }

    private double counter(String name) {
        return Meters.count(registry, name);
    }
}
