package org.callrec.ingest.allocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.callrec.ingest.IngestCalls.allocatePort;
import static org.callrec.ingest.IngestCalls.endOf;
import static org.callrec.ingest.IngestCalls.mediaOf;
import static org.callrec.ingest.IngestCalls.newId;
import static org.callrec.ingest.IngestCalls.send;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.callrec.core.chunk.DropReason;
import org.callrec.core.chunk.RecordingEnded;
import org.callrec.ingest.IngestCalls;
import org.callrec.ingest.IngestTestResources;
import org.callrec.testing.rtp.RtpPackets;
import org.callrec.ingest.config.IngestConfig;
import org.callrec.ingest.media.PacketCounters;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;

/**
 * Nothing lost at the end: a release reads every datagram already queued on the recording's
 * socket before its END, even when the node's event loops are behind (here: held for a moment,
 * as a saturated node's are) and with no release linger at all; what arrives after the END is
 * counted {@code after-release} while the port rests. Real UDP sockets, a real Kafka broker.
 */
@QuarkusTest
@WithTestResource(IngestTestResources.class)
@TestProfile(RecordingLifetimeTest.ShortLifetimes.class)
class ReleaseTailTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final int TAIL = 50;

    @Inject
    IngestConfig config;
    @Inject
    Allocations allocations;
    @Inject
    PacketCounters counters;
    @Inject
    Vertx vertx;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @BeforeEach
    void everyPortIsFree() {
        await().atMost(WAIT).until(() -> allocations.freePorts() == IngestTestResources.POOL_SIZE);
    }

    @Test
    @DisplayName("packets queued on the socket when the stop is handled, event loops behind, all reach the chunks; the END says so; later ones count after-release")
    void packetsQueuedAtTheReleaseAreAllKept() throws Exception {
        assertThat(config.releaseLinger()).isZero();
        String id = newId();
        int port = allocatePort(id);
        try (DatagramSocket phone = new DatagramSocket(new InetSocketAddress(IngestCalls.PHONE, 0))) {
            List<byte[]> sent = new ArrayList<>();
            byte[] first = RtpPackets.pcma(0, 0);
            send(phone, port, first);
            sent.add(first);
            await().atMost(WAIT).until(() -> allocations.sessions().stream()
                    .anyMatch(s -> s.start().recordingId().equals(id) && s.result().packetsAccepted() == 1));

            // the node falls behind: every event loop is held, so the last packets stay queued in the socket
            CountDownLatch hold = new CountDownLatch(1);
            CountDownLatch held = holdEveryEventLoop(hold);
            try {
                assertThat(held.await(5, TimeUnit.SECONDS)).isTrue();
                for (int seq = 1; seq <= TAIL; seq++) {
                    byte[] p = RtpPackets.pcma(seq, seq);
                    send(phone, port, p);
                    sent.add(p);
                }
                // control-service's release is handled now (directly: the HTTP loops are held too)
                assertThat(allocations.release(id, "hangup", Map.of())).isPresent();
            } finally {
                hold.countDown();
            }

            RecordingEnded end = endOf(bootstrapServers, config.kafka().mediaTopic(), id);
            assertThat(end.packetsAccepted()).isEqualTo(sent.size());
            assertThat(end.packetsAfterStop()).isEqualTo(TAIL);
            assertThat(end.tailDrained()).isTrue();
            assertThat(end.stopHandledAtMillis()).isLessThanOrEqualTo(end.endedAtMillis());
            assertThat(mediaOf(bootstrapServers, config.kafka().mediaTopic(), id)).containsExactlyElementsOf(sent);

            // the phone has not heard of the stop: its next packet reaches the resting port and is counted
            long afterRelease = counters.dropped(DropReason.AFTER_RELEASE);
            send(phone, port, RtpPackets.pcma(TAIL + 1, 0));
            await().atMost(WAIT).until(() -> counters.dropped(DropReason.AFTER_RELEASE) == afterRelease + 1);
        }
    }

    /** Holds every Vert.x event loop until {@code hold} opens; the returned latch opens once all are held. */
    private CountDownLatch holdEveryEventLoop(CountDownLatch hold) {
        List<io.netty.util.concurrent.EventExecutor> loops = new ArrayList<>();
        vertx.nettyEventLoopGroup().forEach(loops::add);
        CountDownLatch held = new CountDownLatch(loops.size());
        for (io.netty.util.concurrent.EventExecutor loop : loops) {
            loop.execute(() -> {
                held.countDown();
                try {
                    hold.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        return held;
    }
}
