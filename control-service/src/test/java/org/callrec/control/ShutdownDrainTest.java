package org.callrec.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.callrec.control.protocol.ControlServer;
import org.callrec.control.session.ControlSessions;
import org.callrec.core.allocation.ReleaseRequest;
import org.callrec.core.protocol.Command;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * What a draining instance (SIGTERM, {@link ControlSessions}) does: no new connections, no new
 * recordings, stops still served; after the drain, recordings of closing connections are left
 * to the ingest nodes' leases. The steps of the shutdown observer are driven by hand here (its
 * own app: the drain cannot be undone).
 */
@QuarkusTest
@WithTestResource(FakeIngestNodes.class)
@TestProfile(ShutdownDrainTest.OwnApp.class)
class ShutdownDrainTest {

    /** A profile of its own, so the draining app is not shared with other test classes. */
    public static final class OwnApp implements QuarkusTestProfile {
    }

    @Inject
    ControlServer server;
    @Inject
    ControlSessions sessions;
    @Inject
    MeterRegistry registry;

    FakeIngestNodes nodes;

    @Test
    @DisplayName("draining: new connections closed, new starts refused shutting-down, stops served; afterwards open recordings are left to the lease")
    void drainThenLeaveOpen() {
        nodes.reset();
        try (PhoneConnection phone = new PhoneConnection(server.port())) {
            // Two calls are being recorded when SIGTERM arrives
            assertThat(phone.send(PhoneConnection.startCommand("before-1"))).containsEntry("result", "success");
            assertThat(phone.send(PhoneConnection.startCommand("before-2"))).containsEntry("result", "success");
            String first = nodes.allocationFor("before-1").orElseThrow().answer().recordingId();
            sessions.drain();

            // A new phone is turned away at once
            try (PhoneConnection late = new PhoneConnection(server.port())) {
                assertThat(late.readToEnd()).isEmpty();
            }
            // A new recording on the open connection is refused, and none is allocated
            double refusedBefore = starts("shutting-down");
            double rejectedBefore = starts("rejected");
            assertThat(phone.send(PhoneConnection.startCommand("during-1"))).isEqualTo(Map.of(
                    "cmd", "RecordStartResponse", "id", "during-1", "result", "failed", "reason", "shutting-down"));
            assertThat(nodes.allocateCalls("during-1")).isEmpty();
            // ... and counted under its own result tag, not as a node's unknown token
            assertThat(starts("shutting-down") - refusedBefore).isEqualTo(1);
            assertThat(starts("rejected") - rejectedBefore).isZero();
            // A call that ends during the drain ends normally
            assertThat(phone.send(PhoneConnection.stopCommand("before-1"))).containsEntry("result", "success");
            assertThat(nodes.releaseCalls(first)).extracting(ReleaseRequest::reason).containsExactly("hangup");
            // the stop's step finishes just after its reply is written: one open recording stays
            await().atMost(Duration.ofSeconds(5)).until(() -> sessions.busy() == 1);

            // The drain is over; the process exits and the connection closes
            sessions.leaveOpen();
        }
        // The call still open is not ended by control: its ingest node keeps it until the lease lapses
        String second = nodes.allocationFor("before-2").orElseThrow().answer().recordingId();
        await().atMost(Duration.ofSeconds(5)).until(() -> sessions.connections() == 0);
        assertThat(nodes.releaseCalls(second)).isEmpty();
    }

    private double starts(String result) {
        Counter c = registry.find("callrec.control.commands").tags("command", Command.START_REQUEST, "result", result)
                .counter();
        return c == null ? 0 : c.count();
    }
}
