package org.callrec.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.callrec.control.FakeIngestNode.Behaviour;
import org.callrec.control.lease.LeaseRenewer;
import org.callrec.control.protocol.ControlServer;
import org.callrec.core.allocation.LeaseRenewal;
import org.callrec.core.allocation.ReleaseRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * control-service renews the leases of its open recordings on their ingest nodes
 * ({@code control.lease.renew-interval}, here {@value FakeIngestNodes#RENEW_INTERVAL}), one
 * batch per node, and copes with nodes that lost a recording or fail to answer.
 */
@QuarkusTest
@WithTestResource(FakeIngestNodes.class)
class LeaseRenewalTest {

    @Inject
    ControlServer server;
    @Inject
    LeaseRenewer leases;

    FakeIngestNodes nodes;

    @BeforeEach
    void resetNodes() {
        nodes.reset();
        // every recording of these tests lands on the second node
        nodes.first().onAllocate(Behaviour.FULL);
    }

    @Test
    @DisplayName("the open recordings of a node are renewed together in one request; a stopped one no longer")
    void openRecordingsAreRenewedInOneBatchPerNode() {
        try (PhoneConnection phone = new PhoneConnection(server.port())) {
            // Two recordings open on the same node
            assertThat(phone.send(PhoneConnection.startCommand("lease-1"))).containsEntry("result", "success");
            assertThat(phone.send(PhoneConnection.startCommand("lease-2"))).containsEntry("result", "success");
            String one = recordingId("lease-1");
            String two = recordingId("lease-2");

            // One renewal carries both
            await().atMost(Duration.ofSeconds(5)).until(() -> nodes.second().leaseCalls().stream()
                    .anyMatch(r -> r.recordingIds().containsAll(List.of(one, two))));

            // After the stop of one, renewals carry only the other
            assertThat(phone.send(PhoneConnection.stopCommand("lease-1"))).containsEntry("result", "success");
            int seen = nodes.second().leaseCalls().size();
            await().atMost(Duration.ofSeconds(5)).until(() -> nodes.second().leaseCalls().size() > seen + 1);
            LeaseRenewal last = lastRenewal(nodes.second());
            assertThat(last.recordingIds()).containsExactly(two);
            assertThat(nodes.first().leaseCalls()).isEmpty();
        }
    }

    @Test
    @DisplayName("an id the node answers unknown is no longer renewed, and the phone's stop is still answered success")
    void unknownIdIsDroppedFromRenewals() {
        try (PhoneConnection phone = new PhoneConnection(server.port())) {
            assertThat(phone.send(PhoneConnection.startCommand("lost-1"))).containsEntry("result", "success");
            assertThat(phone.send(PhoneConnection.startCommand("kept-1"))).containsEntry("result", "success");
            String lost = recordingId("lost-1");
            String kept = recordingId("kept-1");

            // The node no longer holds one of them (it ended it: control-lost, or a restart)
            nodes.second().forget(lost);
            await().atMost(Duration.ofSeconds(5)).until(() -> nodes.second().leaseCalls().stream()
                    .anyMatch(r -> r.recordingIds().contains(lost)));
            int seen = nodes.second().leaseCalls().size();
            await().atMost(Duration.ofSeconds(5)).until(() -> nodes.second().leaseCalls().size() > seen + 1);

            // Renewals go on for the other one only
            assertThat(lastRenewal(nodes.second()).recordingIds()).containsExactly(kept);
            // The phone's session is untouched: its stop is answered success
            assertThat(phone.send(PhoneConnection.stopCommand("lost-1")))
                    .isEqualTo(Map.of("cmd", "RecordStopResponse", "id", "lost-1", "result", "success"));
        }
    }

    @Test
    @DisplayName("a node that keeps failing renewals is retried every interval and its recordings go on")
    void failingNodeKeepsItsRecordings() {
        nodes.second().onLease(Behaviour.ERROR);
        try (PhoneConnection phone = new PhoneConnection(server.port())) {
            assertThat(phone.send(PhoneConnection.startCommand("flaky-1"))).containsEntry("result", "success");
            String id = recordingId("flaky-1");

            // Renewals fail again and again; they keep coming
            await().atMost(Duration.ofSeconds(5)).until(() -> nodes.second().leaseCalls().size() >= 3);
            assertThat(nodes.second().releaseCalls(id)).isEmpty();
            assertThat(leases.held()).isEqualTo(1);

            // The node answers again; the recording is still renewed and stops normally
            nodes.second().onLease(Behaviour.ANSWER);
            int seen = nodes.second().leaseCalls().size();
            await().atMost(Duration.ofSeconds(5)).until(() -> nodes.second().leaseCalls().size() > seen);
            assertThat(lastRenewal(nodes.second()).recordingIds()).containsExactly(id);
            assertThat(phone.send(PhoneConnection.stopCommand("flaky-1"))).containsEntry("result", "success");
            assertThat(nodes.second().releaseCalls(id)).extracting(ReleaseRequest::reason).containsExactly("hangup");
        }
    }

    private String recordingId(String phoneSessionId) {
        return nodes.second().allocationFor(phoneSessionId).orElseThrow().answer().recordingId();
    }

    private static LeaseRenewal lastRenewal(FakeIngestNode node) {
        List<LeaseRenewal> calls = node.leaseCalls();
        return calls.get(calls.size() - 1);
    }
}
