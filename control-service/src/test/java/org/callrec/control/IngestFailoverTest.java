package org.callrec.control;

import org.callrec.core.allocation.AllocateRequest;

import java.time.Duration;

import static org.awaitility.Awaitility.await;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.callrec.control.FakeIngestNode.Behaviour;
import org.callrec.control.allocation.IngestNodeClient;
import org.callrec.control.protocol.ControlServer;
import org.callrec.core.allocation.ReleaseRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Future;

/**
 * What control-service does when ingest nodes are full, failing, slow or refusing
 * ({@code control.ingest.*}): skip to the next node, answer {@code no-capacity} when none can
 * take the recording, never leave the phone without an answer.
 */
@QuarkusTest
@WithTestResource(FakeIngestNodes.class)
class IngestFailoverTest {

    @Inject
    ControlServer server;
    @Inject
    IngestNodeClient client;

    FakeIngestNodes nodes;

    @BeforeEach
    void resetNodes() {
        nodes.reset();
    }

    @Test
    @DisplayName("a burst of starts reaches a node at once over its own connections (more than Vert.x's default pool of 5), none waits for another's answer")
    void burstOfAllocationsIsNotQueuedBehindAFewConnections() {
        int burst = 12;
        nodes.first().onAllocate(Behaviour.HOLD);
        List<Future<?>> calls = IntStream.range(0, burst).<Future<?>>mapToObj(i -> client.allocate(nodes.first().url(),
                new AllocateRequest("burst-rec-" + i, "default", "burst-" + i, "0c:38:3e:00:00:0" + (i % 10), "PCMA",
                        "out", "127.0.0.1", Map.of()))).toList();

        // every call is at the node while none has been answered: each has its own connection
        await().atMost(Duration.ofSeconds(1)).until(() -> nodes.first().allocateCalls().size() == burst);
        nodes.first().answerHeld();
        await().atMost(Duration.ofSeconds(2)).until(() -> calls.stream().allMatch(Future::isComplete));
        assertThat(calls).allMatch(Future::succeeded);
    }

    @ParameterizedTest(name = "first node {0}")
    @EnumSource(value = Behaviour.class, names = { "FULL", "ERROR", "HANG" })
    @DisplayName("a node that is full, fails or times out is skipped: the recording lands on the next one")
    void failingNodeIsSkipped(Behaviour behaviour) {
        nodes.first().onAllocate(behaviour);
        try (PhoneConnection phone = new PhoneConnection(server.port())) {
            // Nodes are tried from a rotating start: of two starts, one tries the first node first
            Map<String, String> one = phone.send(PhoneConnection.startCommand("skip-1"));
            Map<String, String> two = phone.send(PhoneConnection.startCommand("skip-2"));

            assertThat(one).contains(entry("result", "success"), entry("server", nodes.second().address()));
            assertThat(two).contains(entry("result", "success"), entry("server", nodes.second().address()));
            assertThat(nodes.first().allocateCalls()).hasSize(1);
            assertThat(nodes.second().allocateCalls()).hasSize(2);
        }
    }

    @ParameterizedTest(name = "both nodes {0}")
    @EnumSource(value = Behaviour.class, names = { "FULL", "ERROR", "HANG" })
    @DisplayName("when no node can take the recording the start is answered failed, reason no-capacity")
    void noNodeCanTakeIt(Behaviour behaviour) {
        nodes.first().onAllocate(behaviour);
        nodes.second().onAllocate(behaviour);
        try (PhoneConnection phone = new PhoneConnection(server.port())) {
            Map<String, String> answer = phone.send(PhoneConnection.startCommand("nocap-1"));

            assertThat(answer).isEqualTo(Map.of("cmd", "RecordStartResponse", "id", "nocap-1",
                    "result", "failed", "reason", "no-capacity"));
            // each node was tried once
            assertThat(nodes.first().allocateCalls()).hasSize(1);
            assertThat(nodes.second().allocateCalls()).hasSize(1);
        }
    }

    @Test
    @DisplayName("a request the node finds invalid (400) is not retried elsewhere; its error token is the reason")
    void rejectedRequestIsNotRetried() {
        nodes.first().onAllocate(Behaviour.REJECT).rejectWith("unsupported-codec");
        nodes.second().onAllocate(Behaviour.REJECT).rejectWith("unsupported-codec");
        try (PhoneConnection phone = new PhoneConnection(server.port())) {
            Map<String, String> answer = phone.send(PhoneConnection.startCommand("reject-1"));

            assertThat(answer).isEqualTo(Map.of("cmd", "RecordStartResponse", "id", "reject-1",
                    "result", "failed", "reason", "unsupported-codec"));
            assertThat(nodes.allocateCalls("reject-1")).hasSize(1);
        }
    }

    @Test
    @DisplayName("a 400 without an error token is still answered failed, reason bad-request")
    void rejectionWithoutAToken() {
        nodes.first().onAllocate(Behaviour.REJECT).rejectWith(null);
        nodes.second().onAllocate(Behaviour.REJECT).rejectWith(null);
        try (PhoneConnection phone = new PhoneConnection(server.port())) {
            Map<String, String> answer = phone.send(PhoneConnection.startCommand("reject-2"));

            assertThat(answer).isEqualTo(Map.of("cmd", "RecordStartResponse", "id", "reject-2",
                    "result", "failed", "reason", "bad-request"));
        }
    }

    @ParameterizedTest(name = "node {0} on release")
    @EnumSource(value = Behaviour.class, names = { "FULL", "ERROR", "HANG" })
    @DisplayName("a release the node does not confirm is tried release-attempts (3) times; the stop is still answered success")
    void releaseIsRetriedThenGivenUp(Behaviour behaviour) {
        // the recording lands on the second node, which then fails every release
        nodes.first().onAllocate(Behaviour.FULL);
        nodes.second().onRelease(behaviour);
        try (PhoneConnection phone = new PhoneConnection(server.port())) {
            assertThat(phone.send(PhoneConnection.startCommand("unrel-1"))).containsEntry("result", "success");
            String recordingId = nodes.second().allocationFor("unrel-1").orElseThrow().answer().recordingId();

            Map<String, String> answer = phone.send(PhoneConnection.stopCommand("unrel-1"));

            assertThat(answer).isEqualTo(Map.of("cmd", "RecordStopResponse", "id", "unrel-1", "result", "success"));
            assertThat(nodes.second().releaseCalls(recordingId)).hasSize(3)
                    .extracting(ReleaseRequest::reason).containsOnly("hangup");
        }
    }

    @Test
    @DisplayName("a node that answers too late gets its orphan ended (allocation-abandoned), and the next node a recording id of its own")
    void timedOutNodeIsToldToEndItsOrphan() {
        nodes.first().onAllocate(Behaviour.HANG);
        try (PhoneConnection phone = new PhoneConnection(server.port())) {
            // Of two starts, one tries the hanging first node first and lands on the second.
            phone.send(PhoneConnection.startCommand("orphan-1"));
            phone.send(PhoneConnection.startCommand("orphan-2"));
        }
        AllocateRequest timedOut = nodes.first().allocateCalls().get(0);
        AllocateRequest landed = nodes.second().allocateCalls(timedOut.phoneSessionId()).get(0);

        assertThat(landed.recordingId()).isNotEqualTo(timedOut.recordingId());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(nodes.first().releaseCalls(timedOut.recordingId()))
                .extracting(ReleaseRequest::reason).containsExactly("allocation-abandoned"));
    }
}
