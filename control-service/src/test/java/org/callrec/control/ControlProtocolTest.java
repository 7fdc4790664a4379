package org.callrec.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.callrec.control.FakeIngestNode.Allocated;
import org.callrec.control.FakeIngestNode.Behaviour;
import org.callrec.control.protocol.ControlServer;
import org.callrec.control.session.ControlSessions;
import org.callrec.core.allocation.AllocateRequest;
import org.callrec.core.allocation.Allocation;
import org.callrec.core.allocation.ReleaseRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The phone's side of the control protocol (PROTOCOL.md): starts, stops, refusals, and what
 * control-service asks of the ingest node for each.
 */
@QuarkusTest
@WithTestResource(FakeIngestNodes.class)
class ControlProtocolTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    ControlServer server;
    @Inject
    ControlSessions sessions;
    @Inject
    MeterRegistry registry;

    FakeIngestNodes nodes;

    @BeforeEach
    void resetNodes() {
        nodes.reset();
    }

    @Test
    @DisplayName("a start is answered success with the node's server and port, echoing the phone's id")
    void startIsAnsweredWithTheAllocatedEndpoint() {
        try (PhoneConnection phone = new PhoneConnection(server.port())) {
            Map<String, String> answer = phone.send(PhoneConnection.startCommand("start-1"));

            Allocated allocated = nodes.allocationFor("start-1").orElseThrow();
            assertThat(answer).isEqualTo(Map.of(
                    "cmd", "RecordStartResponse",
                    "id", "start-1",
                    "result", "success",
                    "server", allocated.answer().address(),
                    "port", Integer.toString(allocated.answer().port())));
        }
    }

    @Test
    @DisplayName("the allocate request carries tenant, normalised MAC, codec, direction, phone address and the decoded names")
    void allocateRequestCarriesTheRecordingsMetadata() {
        // The phone connects from 127.0.0.2, writes its MAC with dashes in upper case, a codec
        // alias, DIR in capitals, UTF-8 names percent-encoded with '+' for spaces, an E.164
        // number with its '+' unencoded, and a key of its own
        String command = "cmd=RecordStartRequest&id=meta-1&device=00-15-65-AB-CD-EF&dir=OUT&codec=alaw"
                + "&remote_number=+33123456789&remote_name=Fran%C3%A7ois+M%C3%BCller"
                + "&local_number=200&local_name=%E5%BC%A0%E4%BC%9F&X-Line=2";
        try (PhoneConnection phone = new PhoneConnection("127.0.0.2", server.port())) {
            assertThat(phone.send(command)).containsEntry("result", "success");
        }

        assertThat(nodes.allocateCalls("meta-1")).singleElement().satisfies(request -> {
            assertThat(UUID.fromString(request.recordingId()).version()).as("server-side id, UUIDv7").isEqualTo(7);
            assertThat(request.tenant()).isEqualTo(FakeIngestNodes.TENANT);
            assertThat(request.phoneSessionId()).isEqualTo("meta-1");
            assertThat(request.device()).isEqualTo("00:15:65:ab:cd:ef");
            assertThat(request.codec()).isEqualTo("PCMA");
            assertThat(request.direction()).isEqualTo("out");
            assertThat(request.phoneAddress()).isEqualTo("127.0.0.2");
            // every value as the phone sent it, decoded, under its lower-cased key (protocol keys too)
            assertThat(request.fields()).containsOnly(
                    entry("id", "meta-1"),
                    entry("device", "00-15-65-AB-CD-EF"),
                    entry("dir", "OUT"),
                    entry("codec", "alaw"),
                    entry("remote_number", "+33123456789"),
                    entry("remote_name", "François Müller"),
                    entry("local_number", "200"),
                    entry("local_name", "张伟"),
                    entry("x-line", "2"));
        });
    }

    @ParameterizedTest(name = "codec={0}")
    @ValueSource(strings = {"G722", "G.722", "g722/8000"})
    @DisplayName("a G.722 start is accepted by default and allocated as G722 (storage decodes it to 16 kHz)")
    void g722IsAcceptedByDefault(String codec) {
        String id = "wide-" + codec.replaceAll("[^A-Za-z0-9]", "");
        try (PhoneConnection phone = new PhoneConnection(server.port())) {
            Map<String, String> answer = phone.send("cmd=RecordStartRequest&id=" + id + "&device=001565123456&codec=" + codec);

            assertThat(answer).contains(entry("id", id), entry("result", "success"));
            assertThat(nodes.allocateCalls(id)).singleElement()
                    .satisfies(request -> assertThat(request.codec()).isEqualTo("G722"));
        }
    }

    @Test
    @DisplayName("keys and cmd values match case-insensitively")
    void keysAndCommandNamesIgnoreCase() {
        try (PhoneConnection phone = new PhoneConnection(server.port())) {
            Map<String, String> answer = phone.send("CMD=recordstartrequest&ID=case-1&Device=001565123456&CODEC=pcmu");

            assertThat(answer).contains(entry("cmd", "RecordStartResponse"), entry("id", "case-1"),
                    entry("result", "success"));
            assertThat(nodes.allocateCalls("case-1")).singleElement()
                    .satisfies(request -> assertThat(request.codec()).isEqualTo("PCMU"));
        }
    }

    @Test
    @DisplayName("a stop releases the recording on its node with the phone's reason and fields, then is answered success")
    void stopReleasesOnTheNode() {
        try (PhoneConnection phone = new PhoneConnection(server.port())) {
            phone.send(PhoneConnection.startCommand("stop-1"));
            String recordingId = nodes.allocationFor("stop-1").orElseThrow().answer().recordingId();

            Map<String, String> answer = phone.send("cmd=RecordStopRequest&id=stop-1&remote_number=101"
                    + "&remote_name=Bob+Jr&local_number=200&local_name=Alice&reason=hangup");

            assertThat(answer).isEqualTo(Map.of("cmd", "RecordStopResponse", "id", "stop-1", "result", "success"));
            // the answer comes after the node confirmed: the release is already there
            assertThat(nodes.releaseCalls(recordingId)).singleElement().satisfies(release -> {
                assertThat(release.reason()).isEqualTo("hangup");
                assertThat(release.fields()).contains(
                        entry("remote_number", "101"),
                        entry("remote_name", "Bob Jr"),
                        entry("local_number", "200"),
                        entry("local_name", "Alice"));
            });
        }
    }

    @Test
    @DisplayName("a stop without a reason releases with reason 'stop'")
    void stopWithoutReason() {
        try (PhoneConnection phone = new PhoneConnection(server.port())) {
            phone.send(PhoneConnection.startCommand("stop-2"));
            String recordingId = nodes.allocationFor("stop-2").orElseThrow().answer().recordingId();

            assertThat(phone.send("cmd=RecordStopRequest&id=stop-2")).containsEntry("result", "success");

            assertThat(nodes.releaseCalls(recordingId)).extracting(ReleaseRequest::reason).containsExactly("stop");
        }
    }

    @Test
    @DisplayName("a stop for an id with no open recording is answered failed, reason unknown-recording")
    void stopOfUnknownRecording() {
        try (PhoneConnection phone = new PhoneConnection(server.port())) {
            Map<String, String> answer = phone.send(PhoneConnection.stopCommand("never-started"));

            assertThat(answer).isEqualTo(Map.of("cmd", "RecordStopResponse", "id", "never-started",
                    "result", "failed", "reason", "unknown-recording"));
        }
    }

    @Test
    @DisplayName("closing the connection with a recording open releases it with reason socket-error")
    void closingTheConnectionReleasesWithSocketError() {
        String recordingId;
        try (PhoneConnection phone = new PhoneConnection(server.port())) {
            phone.send(PhoneConnection.startCommand("drop-1"));
            recordingId = nodes.allocationFor("drop-1").orElseThrow().answer().recordingId();
            assertThat(nodes.releaseCalls(recordingId)).isEmpty();
        }

        await().atMost(WAIT).untilAsserted(() -> assertThat(nodes.releaseCalls(recordingId))
                .singleElement().satisfies(release -> {
                    assertThat(release.reason()).isEqualTo("socket-error");
                    assertThat(release.fields()).isEmpty();
                }));
    }

    @Test
    @DisplayName("a phone that hangs up while its start is being allocated leaves nothing open on the node")
    void hangUpDuringAllocationReleasesIt() {
        // the nodes answer only when told to: the hang-up comes first
        nodes.first().onAllocate(Behaviour.HOLD);
        nodes.second().onAllocate(Behaviour.HOLD);
        try (PhoneConnection phone = new PhoneConnection(server.port())) {
            phone.write(PhoneConnection.startCommand("early-1") + "\r\n");
            // the allocation is in flight: hang up
            await().pollInterval(Duration.ofMillis(10)).atMost(WAIT).until(() -> !nodes.allocateCalls("early-1").isEmpty());
        }
        // control has seen the hang-up (no phone connection left); now the node answers
        await().pollInterval(Duration.ofMillis(10)).atMost(WAIT)
                .until(() -> registry.get("callrec.control.connections.active").gauge().value() == 0);
        nodes.first().answerHeld();
        nodes.second().answerHeld();

        String recordingId = await().atMost(WAIT).until(() -> nodes.allocationFor("early-1"), Optional::isPresent)
                .orElseThrow().answer().recordingId();
        // the phone never learnt the endpoint: a recording that never was, which storage drops if empty
        await().atMost(WAIT).untilAsserted(() -> assertThat(nodes.releaseCalls(recordingId))
                .extracting(ReleaseRequest::reason).containsExactly("allocation-abandoned"));
    }

    @Test
    @DisplayName("one connection carries two recordings in sequence, each with its own server-side id")
    void twoRecordingsInSequence() {
        try (PhoneConnection phone = new PhoneConnection(server.port())) {
            assertThat(phone.send(PhoneConnection.startCommand("seq-1"))).containsEntry("result", "success");
            assertThat(phone.send(PhoneConnection.stopCommand("seq-1"))).containsEntry("result", "success");
            assertThat(phone.send(PhoneConnection.startCommand("seq-2"))).containsEntry("result", "success");
            assertThat(phone.send(PhoneConnection.stopCommand("seq-2"))).containsEntry("result", "success");
        }

        String first = nodes.allocationFor("seq-1").orElseThrow().answer().recordingId();
        String second = nodes.allocationFor("seq-2").orElseThrow().answer().recordingId();
        assertThat(first).isNotEqualTo(second);
        assertThat(nodes.releaseCalls(first)).extracting(ReleaseRequest::reason).containsExactly("hangup");
        assertThat(nodes.releaseCalls(second)).extracting(ReleaseRequest::reason).containsExactly("hangup");
    }

    @Test
    @DisplayName("a repeated start with the same id gets the same endpoint without a second allocation")
    void repeatedStartIsIdempotent() {
        try (PhoneConnection phone = new PhoneConnection(server.port())) {
            Map<String, String> first = phone.send(PhoneConnection.startCommand("again-1"));
            Map<String, String> second = phone.send(PhoneConnection.startCommand("again-1"));

            assertThat(first).containsEntry("result", "success");
            assertThat(second).isEqualTo(first);
            assertThat(nodes.allocateCalls("again-1")).hasSize(1);
        }
    }

    @Test
    @DisplayName("a connection holds at most max-open-recordings-per-connection (8) recordings at once")
    void tooManyOpenRecordings() {
        try (PhoneConnection phone = new PhoneConnection(server.port())) {
            for (int i = 1; i <= 8; i++) {
                assertThat(phone.send(PhoneConnection.startCommand("many-" + i))).containsEntry("result", "success");
            }

            Map<String, String> ninth = phone.send(PhoneConnection.startCommand("many-9"));

            assertThat(ninth).isEqualTo(Map.of("cmd", "RecordStartResponse", "id", "many-9",
                    "result", "failed", "reason", "too-many-recordings"));
            assertThat(nodes.allocateCalls("many-9")).isEmpty();
        }
    }

    static Stream<Arguments> refusedStarts() {
        return Stream.of(
                Arguments.of("G729 (not in control.codecs)",
                        "cmd=RecordStartRequest&id=bad-1&device=001565123456&codec=G729", "bad-1", "unsupported-codec"),
                Arguments.of("OPUS (not a phone codec)",
                        "cmd=RecordStartRequest&id=bad-2&device=001565123456&codec=OPUS", "bad-2", "unsupported-codec"),
                Arguments.of("a device that is not a MAC address",
                        "cmd=RecordStartRequest&id=bad-3&device=phone-17&codec=PCMA", "bad-3", "bad-request"),
                Arguments.of("a MAC address one byte short",
                        "cmd=RecordStartRequest&id=bad-4&device=00:15:65:12:34&codec=PCMA", "bad-4", "bad-request"),
                Arguments.of("no id",
                        "cmd=RecordStartRequest&device=001565123456&codec=PCMA", "", "bad-request"),
                Arguments.of("dir=sideways",
                        "cmd=RecordStartRequest&id=bad-5&device=001565123456&codec=PCMA&dir=sideways", "bad-5",
                        "bad-request"));
    }

    @ParameterizedTest(name = "{0} → reason={3}")
    @MethodSource("refusedStarts")
    @DisplayName("an invalid start is answered failed with a reason token, and nothing is allocated")
    void invalidStartIsRefused(String description, String command, String id, String reason) {
        try (PhoneConnection phone = new PhoneConnection(server.port())) {
            Map<String, String> answer = phone.send(command);

            assertThat(answer).isEqualTo(Map.of("cmd", "RecordStartResponse", "id", id, "result", "failed",
                    "reason", reason));
            assertThat(nodes.allocateCalls(id)).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unparsableCommands")
    @DisplayName("an unparsable command is answered ErrorResponse, reason bad-request, and the connection stays usable")
    void unparsableCommand(String description, String command) {
        try (PhoneConnection phone = new PhoneConnection(server.port())) {
            Map<String, String> answer = phone.send(command);

            assertThat(answer).isEqualTo(Map.of("cmd", "ErrorResponse", "result", "failed", "reason", "bad-request"));
            assertThat(phone.send(PhoneConnection.startCommand("after-garbage"))).containsEntry("result", "success");
        }
    }

    static Stream<Arguments> unparsableCommands() {
        return Stream.of(
                Arguments.of("no cmd", "id=x1&device=001565123456&codec=PCMA"),
                Arguments.of("a malformed percent escape", "cmd=RecordStartRequest&id=%ZZ&device=001565123456"),
                Arguments.of("a pair without a key", "cmd=RecordStartRequest&=oops"));
    }

    @Test
    @DisplayName("an unknown cmd is answered failed, reason unknown-command, under the matching Response name")
    void unknownCommand() {
        try (PhoneConnection phone = new PhoneConnection(server.port())) {
            assertThat(phone.send("cmd=RecordPauseRequest&id=pause-1")).isEqualTo(Map.of(
                    "cmd", "RecordPauseResponse", "id", "pause-1", "result", "failed", "reason", "unknown-command"));
            assertThat(phone.send("cmd=Hello")).isEqualTo(Map.of(
                    "cmd", "ErrorResponse", "result", "failed", "reason", "unknown-command"));
        }
    }

    @Test
    @DisplayName("a stop without terminator written right before the connection closes still ends the recording with the phone's reason")
    void unterminatedStopThenCloseKeepsThePhonesReason() {
        try (PhoneConnection phone = new PhoneConnection(server.port())) {
            // a phone that never terminates its commands (one per write) waits for its start's
            // answer, which comes without terminator too
            phone.write(PhoneConnection.startCommand("last-words"));
            Allocation endpoint = await().atMost(WAIT).until(() -> nodes.allocationFor("last-words"), Optional::isPresent)
                    .orElseThrow().answer();
            Map<String, String> started = PhoneConnection.answer("RecordStartResponse", "id", "last-words",
                    "result", "success", "server", endpoint.address(), "port", Integer.toString(endpoint.port()));
            assertThat(phone.readUnterminated(started)).isEqualTo(started);

            phone.write("cmd=RecordStopRequest&id=last-words&reason=transfer");
        } // closed at once, before any quiet period could pass
        String recordingId = nodes.allocationFor("last-words").orElseThrow().answer().recordingId();

        await().atMost(WAIT).untilAsserted(() -> assertThat(releasesOf(recordingId))
                .extracting(ReleaseRequest::reason).containsExactly("transfer"));
    }

    private List<ReleaseRequest> releasesOf(String recordingId) {
        return nodes.releaseCalls(recordingId);
    }

    @Test
    @DisplayName("starts still queued when the connection closes are not carried out; one in flight is ended as allocation-abandoned")
    void startsQueuedBeforeACloseAreDropped() {
        StringBuilder burst = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            burst.append(PhoneConnection.startCommand("gone-" + i)).append("\r\n");
        }
        try (PhoneConnection phone = new PhoneConnection(server.port())) {
            // the connection is served (its first answer came back)...
            assertThat(phone.send(PhoneConnection.stopCommand("gone-none"))).containsEntry("reason", "unknown-recording");
            // ...when the burst arrives
            phone.write(burst.toString());
        } // closed before any answer to the burst could be read

        // control is done with the connection: what it did not start by now, it never will
        await().atMost(WAIT).until(() -> sessions.connections() == 0);
        List<AllocateRequest> made = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            made.addAll(nodes.allocateCalls("gone-" + i));
        }
        // at most the first one was already being allocated when the close was seen
        assertThat(made).hasSizeLessThanOrEqualTo(1);
        for (AllocateRequest request : made) {
            assertThat(releasesOf(request.recordingId())).extracting(ReleaseRequest::reason)
                    .containsExactly("allocation-abandoned");
        }
    }
}
