package org.callrec.ingest.allocation;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.callrec.ingest.IngestCalls.allocatePort;
import static org.callrec.ingest.IngestCalls.endOf;
import static org.callrec.ingest.IngestCalls.newId;
import static org.callrec.ingest.IngestCalls.release;
import static org.callrec.ingest.IngestCalls.send;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.callrec.core.allocation.InternalApi;
import org.callrec.core.chunk.ChunkCodec;
import org.callrec.core.chunk.RecordingStarted;
import org.callrec.core.chunk.RecordingEnded;
import org.callrec.core.chunk.StopReason;
import org.callrec.core.registry.StoragePlacement;
import org.callrec.ingest.IngestCalls;
import org.callrec.ingest.IngestTestResources;
import org.callrec.ingest.MediaTopicReader;
import org.callrec.testing.rtp.RtpPackets;
import org.callrec.ingest.config.IngestConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * A recording's lifetime bounds, with short ones: {@code ingest.recording.max-duration} (12 s)
 * ends a call that nobody stops although it keeps sending, {@code media-timeout} (2.5 s) one
 * that fell silent, {@code first-media-timeout} (6 s) one whose media never came. Real UDP
 * sockets, a real Kafka broker.
 */
@QuarkusTest
@WithTestResource(IngestTestResources.class)
@TestProfile(RecordingLifetimeTest.ShortLifetimes.class)
class RecordingLifetimeTest {

    /** Short lifetimes, a 1 s re-latch and no release linger: shared by the tests of the packet path's bounds. */
    public static final class ShortLifetimes implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "ingest.recording.max-duration", "12s",
                    "ingest.recording.media-timeout", "2500ms",
                    // a loaded test machine may take seconds to send a test's first packet after its first request
                    "ingest.recording.first-media-timeout", "6s",
                    "ingest.recording.relatch-after", "1s",
                    "ingest.release-linger", "0s",
                    // a released port rests (its socket open, counting after-release) long enough to be seen
                    "ingest.ports.quarantine", "3s");
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    IngestConfig config;
    @Inject
    Allocations allocations;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private DatagramSocket phone;

    @BeforeEach
    void phoneAndFreePorts() throws IOException {
        await().atMost(WAIT).until(() -> allocations.freePorts() == IngestTestResources.POOL_SIZE);
        phone = new DatagramSocket(new InetSocketAddress(IngestCalls.PHONE, 0));
    }

    @AfterEach
    void releaseEverything() {
        allocations.sessions().stream().map(s -> s.start().recordingId()).toList().forEach(IngestCalls::release);
        phone.close();
    }

    /** Sends a packet every 100 ms (well within media-timeout) until the node ends the call; the packets sent. */
    private int streamUntilEnded(String id, int port) {
        int[] sent = {0};
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            send(phone, port, RtpPackets.pcma(sent[0], sent[0]));
            sent[0]++;
            return allocations.sessions().stream().noneMatch(s -> s.start().recordingId().equals(id));
        });
        return sent[0];
    }

    @Test
    @DisplayName("a tenant's shorter duration limit, carried by the allocation into the START record, ends the call at it")
    void aTenantsDurationLimitEndsTheCallSooner() throws IOException {
        String id = newId();
        int port = IngestCalls.allocate(id, Map.of("maxDurationSeconds", 3,
                "placement", Map.of("bucket", "acme-recordings", "prefix", "eu/acme")))
                .then().statusCode(200).extract().path("port");

        streamUntilEnded(id, port);

        List<ConsumerRecord<String, byte[]>> records = MediaTopicReader.readRecording(bootstrapServers,
                config.kafka().mediaTopic(), id);
        RecordingStarted start = ChunkCodec.decodeStart(records.get(0).value());
        RecordingEnded end = ChunkCodec.decodeEnd(records.get(records.size() - 1).value());
        assertThat(start.maxDurationMillis()).isEqualTo(3000);
        assertThat(start.placement()).isEqualTo(new StoragePlacement("acme-recordings", "eu/acme", null));
        assertThat(end.reason()).isEqualTo(StopReason.MAX_DURATION.token());
        assertThat(end.stopHandledAtMillis() - start.startedAtMillis()).isGreaterThanOrEqualTo(3000)
                .isLessThan(config.recording().maxDuration().toMillis());
    }

    @Test
    @DisplayName("a call that sends all along but is never stopped ends at max-duration with all its audio; control's lease and stop get clean answers")
    void maxDurationEndsANeverStoppedCall() throws IOException {
        String id = newId();
        int port = allocatePort(id);

        // the phone streams (a packet per 100 ms, well within media-timeout) until the node ends the call
        int sent = streamUntilEnded(id, port);

        List<ConsumerRecord<String, byte[]>> records = MediaTopicReader.readRecording(bootstrapServers,
                config.kafka().mediaTopic(), id);
        RecordingStarted start = ChunkCodec.decodeStart(records.get(0).value());
        RecordingEnded end = ChunkCodec.decodeEnd(records.get(records.size() - 1).value());
        assertThat(end.reason()).isEqualTo(StopReason.MAX_DURATION.token());
        assertThat(end.stopHandledAtMillis() - start.startedAtMillis())
                .isGreaterThanOrEqualTo(config.recording().maxDuration().toMillis());
        // every packet sent before the end was kept (the last one may have come after it)
        assertThat(end.packetsAccepted()).isBetween((long) sent - 2, (long) sent);
        assertThat(end.stopHandledAtMillis()).isPositive();
        // control-service: the lease of the ended recording is answered unknown, the phone's stop 404 (control answers it success)
        given().contentType(ContentType.JSON).body(Map.of("recordingIds", List.of(id))).post(InternalApi.LEASES)
                .then().statusCode(200).body("unknown", hasItem(id));
        release(id).then().statusCode(404).body("error", equalTo("unknown-recording"));
    }

    @Test
    @DisplayName("a call whose RTP stops (and is never stopped) ends at media-timeout, keeping what it got")
    void mediaTimeoutEndsASilentCall() throws IOException {
        String id = newId();
        int port = allocatePort(id);
        for (int seq = 0; seq < 3; seq++) {
            send(phone, port, RtpPackets.pcma(seq, seq));
        }

        RecordingEnded end = endOf(bootstrapServers, config.kafka().mediaTopic(), id);

        assertThat(end.reason()).isEqualTo(StopReason.MEDIA_TIMEOUT.token());
        assertThat(end.packetsAccepted()).as(end.toString()).isEqualTo(3);
        assertThat(end.stopHandledAtMillis() - end.lastPacketAtMillis())
                .isGreaterThanOrEqualTo(config.recording().mediaTimeout().toMillis() - 50);
    }

    @Test
    @DisplayName("a call whose media never comes ends at first-media-timeout with no packet and no first packet time")
    void mediaLessCallEnds() {
        String id = newId();
        allocatePort(id);

        RecordingEnded end = endOf(bootstrapServers, config.kafka().mediaTopic(), id);

        assertThat(end.reason()).isEqualTo(StopReason.MEDIA_TIMEOUT.token());
        assertThat(end.packetsAccepted()).isZero();
        assertThat(end.firstPacketAtMillis()).isZero();
        assertThat(allocations.sessions()).noneMatch(s -> s.start().recordingId().equals(id));
    }

    @Test
    @DisplayName("packets from a stranger on the phone's IP (its own SSRC) do not keep a silent recording alive")
    void foreignPacketsAreNoActivity() throws IOException {
        String id = newId();
        int port = allocatePort(id);
        send(phone, port, RtpPackets.pcma(0, 0));
        try (DatagramSocket stranger = new DatagramSocket(new InetSocketAddress(IngestCalls.PHONE, 0))) {
            // the stranger sprays from another port of the phone's address until the recording ends
            int[] seq = {100};
            await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
                send(stranger, port, RtpPackets.withSsrc(RtpPackets.pcma(seq[0]++, 0), 0x5EEDL));
                return allocations.sessions().stream().noneMatch(s -> s.start().recordingId().equals(id));
            });
        }

        RecordingEnded end = endOf(bootstrapServers, config.kafka().mediaTopic(), id);
        assertThat(end.reason()).isEqualTo(StopReason.MEDIA_TIMEOUT.token());
        assertThat(end.packetsAccepted()).isOne();
        assertThat(end.droppedByReason()).containsKey("foreign-port");
    }
}
