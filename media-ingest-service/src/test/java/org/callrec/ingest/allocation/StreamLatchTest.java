package org.callrec.ingest.allocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;
import static org.callrec.ingest.IngestCalls.allocatePort;
import static org.callrec.ingest.IngestCalls.endOf;
import static org.callrec.ingest.IngestCalls.mediaOf;
import static org.callrec.ingest.IngestCalls.newId;
import static org.callrec.ingest.IngestCalls.release;
import static org.callrec.ingest.IngestCalls.send;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.callrec.core.chunk.RecordingEnded;
import org.callrec.ingest.IngestCalls;
import org.callrec.ingest.IngestTestResources;
import org.callrec.testing.rtp.RtpPackets;
import org.callrec.ingest.config.IngestConfig;
import org.callrec.ingest.media.RecordingSession;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Stream latching: a recording locks onto the source address and port of its first valid
 * packet; the phone's own IP on another port (a device behind the same NAT, a spoofer) is
 * {@code foreign-port} and never reaches a chunk. Here {@code ingest.recording.relatch-after} is
 * 1 s (off by default). Real UDP sockets, a real Kafka broker.
 */
@QuarkusTest
@WithTestResource(IngestTestResources.class)
@TestProfile(RecordingLifetimeTest.ShortLifetimes.class)
class StreamLatchTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final long OTHER_SSRC = 0x0BADCAFEL;

    @Inject
    IngestConfig config;
    @Inject
    Allocations allocations;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private final List<DatagramSocket> sockets = new ArrayList<>();

    @BeforeEach
    void everyPortIsFree() {
        await().atMost(WAIT).until(() -> allocations.freePorts() == IngestTestResources.POOL_SIZE);
    }

    @AfterEach
    void closeSockets() {
        allocations.sessions().stream().map(s -> s.start().recordingId()).toList().forEach(IngestCalls::release);
        sockets.forEach(DatagramSocket::close);
    }

    @Test
    @DisplayName("a sender on the phone's own IP but another port is dropped as foreign-port, whatever its SSRC or sequence numbers; only the phone's packets reach the chunks")
    void otherPortOfThePhonesAddressIsForeignPort() throws IOException {
        String id = newId();
        int port = allocatePort(id);
        DatagramSocket phone = udpSocket();
        DatagramSocket spoofer = udpSocket();

        // the phone's first packet latches; then the spoofer, one sequence number ahead with the
        // phone's SSRC, and another with an SSRC of its own, interleave with the phone
        List<byte[]> phoneSent = new ArrayList<>();
        byte[] first = RtpPackets.pcma(0, 0);
        send(phone, port, first);
        phoneSent.add(first);
        awaitLatched(id);
        for (int seq = 1; seq <= 20; seq++) {
            byte[] p = RtpPackets.pcma(seq, seq);
            send(phone, port, p);
            phoneSent.add(p);
            send(spoofer, port, RtpPackets.pcma(seq + 1, 0x55));
            send(spoofer, port, RtpPackets.withSsrc(RtpPackets.pcma(1000 + seq, 0x66), OTHER_SSRC));
        }
        awaitAccepted(id, phoneSent.size());
        release(id).then().statusCode(200);

        RecordingEnded end = endOf(bootstrapServers, config.kafka().mediaTopic(), id);
        assertThat(end.packetsAccepted()).isEqualTo(phoneSent.size());
        assertThat(end.droppedByReason()).containsOnly(entry("foreign-port", 40L));
        assertThat(mediaOf(bootstrapServers, config.kafka().mediaTopic(), id)).containsExactlyElementsOf(phoneSent);
    }

    @Test
    @DisplayName("an SSRC change from the latched source is accepted as before")
    void ssrcChangeFromTheLatchedSourceIsKept() throws IOException {
        String id = newId();
        int port = allocatePort(id);
        DatagramSocket phone = udpSocket();

        for (int seq = 0; seq < 5; seq++) {
            send(phone, port, RtpPackets.pcma(seq, seq));
        }
        // the phone restarts its stream (a transfer, a re-INVITE): new SSRC, same source
        for (int seq = 0; seq < 5; seq++) {
            send(phone, port, RtpPackets.withSsrc(RtpPackets.pcma(seq + 500, seq), OTHER_SSRC));
        }

        awaitAccepted(id, 10);
        assertThat(release(id).then().statusCode(200).extract().<java.util.Map<String, Integer>>path("droppedByReason"))
                .isEmpty();
    }

    @Test
    @DisplayName("re-latch (when enabled): after the latched source fell silent, only a new port with the stream's SSRC takes over; the old port is then foreign")
    void relatchAfterSilenceNeedsTheStreamsSsrc() throws IOException {
        String id = newId();
        int port = allocatePort(id);
        DatagramSocket phone = udpSocket();
        DatagramSocket stranger = udpSocket();
        DatagramSocket rebound = udpSocket();
        List<byte[]> kept = new ArrayList<>();
        for (int seq = 0; seq < 3; seq++) {
            byte[] p = RtpPackets.pcma(seq, seq);
            send(phone, port, p);
            kept.add(p);
        }
        awaitAccepted(id, 3);

        // the phone's source falls silent for longer than relatch-after (1 s)
        await().pollDelay(config.recording().relatchAfter().plusMillis(200)).until(() -> true);
        // a stranger with its own SSRC cannot take over a silent stream …
        send(stranger, port, RtpPackets.withSsrc(RtpPackets.pcma(50, 0x77), OTHER_SSRC));
        // … the phone behind a NAT that gave it a new port (same SSRC, next sequence numbers) can
        for (int seq = 3; seq < 6; seq++) {
            byte[] p = RtpPackets.pcma(seq, seq);
            send(rebound, port, p);
            kept.add(p);
        }
        awaitAccepted(id, 6);
        // and the old port is now the stranger
        send(phone, port, RtpPackets.pcma(6, 6));
        await().atMost(WAIT).until(() -> session(id).result().droppedByReason().getOrDefault("foreign-port", 0L) == 2L);
        release(id).then().statusCode(200);

        assertThat(mediaOf(bootstrapServers, config.kafka().mediaTopic(), id)).containsExactlyElementsOf(kept);
    }

    private void awaitLatched(String id) {
        await().atMost(WAIT).until(() -> session(id).latchedSource() != null);
    }

    private void awaitAccepted(String id, long packets) {
        await().atMost(WAIT).until(() -> session(id).result().packetsAccepted() == packets);
    }

    private RecordingSession session(String id) {
        return allocations.sessions().stream().filter(s -> s.start().recordingId().equals(id)).findFirst()
                .orElseThrow();
    }

    private DatagramSocket udpSocket() throws IOException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(IngestCalls.PHONE, 0));
        sockets.add(s);
        return s;
    }
}
