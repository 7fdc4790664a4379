package org.callrec.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.callrec.control.protocol.ControlServer;
import org.callrec.control.session.ControlSessions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The checks made when a connection is accepted: allowed networks and the instance's connection
 * cap. Phones connect from 127.0.0.1–3 (allowed) and 127.0.0.5 (not).
 */
@QuarkusTest
@WithTestResource(FakeIngestNodes.class)
@TestProfile(AllowedNetworksTest.LockedDown.class)
class AllowedNetworksTest {

    static final int MAX_CONNECTIONS = 4;
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Only 127.0.0.0/30 and ::1 may connect; four connections at most. */
    public static final class LockedDown implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "control.admission.allowed-networks", "127.0.0.0/30, ::1",
                    "control.admission.max-connections", Integer.toString(MAX_CONNECTIONS));
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
    @DisplayName("a source outside the allowed networks is answered forbidden-source once and closed; nothing is allocated")
    void forbiddenSource() {
        double before = refusals("allowed-networks");
        try (PhoneConnection stranger = new PhoneConnection("127.0.0.5", server.port())) {
            // whatever it sends, it only gets the refusal and the close
            stranger.write(PhoneConnection.startCommand("stranger-1") + "\r\n");
            assertThat(stranger.readToEnd()).isEqualTo("cmd=ErrorResponse&result=failed&reason=forbidden-source");
        }
        assertThat(nodes.allocateCalls("stranger-1")).isEmpty();
        assertThat(refusals("allowed-networks") - before).isEqualTo(1);
        assertThat(sessions.connections()).isZero();

        // a phone inside them records
        try (PhoneConnection phone = new PhoneConnection("127.0.0.2", server.port())) {
            assertThat(phone.send(PhoneConnection.startCommand("inside-1"))).containsEntry("result", "success");
        }
    }

    @Test
    @DisplayName("over the instance's connection cap a connection is answered too-many-connections; a freed place is taken again")
    void connectionCap() {
        double before = refusals("connections");
        assertThat(registry.get("callrec.control.connections.limit").gauge().value()).isEqualTo(MAX_CONNECTIONS);
        List<PhoneConnection> held = new ArrayList<>();
        try {
            String[] sources = {"127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.1"};
            for (String source : sources) {
                PhoneConnection c = new PhoneConnection(source, server.port());
                held.add(c);
                assertThat(c.send("cmd=PingRequest&id=p")).containsEntry("reason", "unknown-command");
            }
            try (PhoneConnection extra = new PhoneConnection("127.0.0.2", server.port())) {
                assertThat(extra.readToEnd()).isEqualTo("cmd=ErrorResponse&result=failed&reason=too-many-connections");
            }
            assertThat(refusals("connections") - before).isEqualTo(1);

            held.remove(0).close();
            await().atMost(WAIT).until(() -> sessions.connections() == MAX_CONNECTIONS - 1);
            PhoneConnection again = new PhoneConnection("127.0.0.2", server.port());
            held.add(again);
            assertThat(again.send(PhoneConnection.startCommand("cap-1"))).containsEntry("result", "success");
        } finally {
            held.forEach(PhoneConnection::close);
        }
    }

    private double refusals(String limit) {
        return Meters.refusals(registry, limit);
    }
}
