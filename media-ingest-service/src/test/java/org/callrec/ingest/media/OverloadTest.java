package org.callrec.ingest.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.callrec.ingest.IngestCalls.allocate;
import static org.callrec.ingest.IngestCalls.allocatePort;
import static org.callrec.ingest.IngestCalls.endOf;
import static org.callrec.ingest.IngestCalls.newId;
import static org.callrec.ingest.IngestCalls.release;
import static org.callrec.ingest.IngestCalls.send;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.inject.Inject;

import org.callrec.core.chunk.RecordingEnded;
import org.callrec.ingest.IngestCalls;
import org.callrec.ingest.IngestTestResources;
import org.callrec.testing.rtp.RtpPackets;
import org.callrec.ingest.allocation.Allocations;
import org.callrec.ingest.config.IngestConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.netty.util.concurrent.EventExecutor;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.vertx.core.Vertx;

/**
 * Existing calls first: a node whose event loops fall behind (here every loop is saturated by
 * work that takes 300 ms at a time, the packet path's threshold being 200 ms) answers new
 * allocations 503 {@code no-capacity} (control-service then places the call on its next node,
 * see control's {@code IngestFailoverTest}) while the call it holds keeps every packet, and takes
 * new ones again once it has caught up. Real UDP sockets, a real Kafka broker.
 */
@QuarkusTest
@WithTestResource(IngestTestResources.class)
@TestProfile(OverloadTest.LowThreshold.class)
class OverloadTest {

    /** A 200 ms threshold, probed every 20 ms, held for 1 s. */
    public static final class LowThreshold implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "ingest.overload.max-event-loop-delay", "200ms",
                    "ingest.overload.probe-interval", "20ms",
                    "ingest.overload.hold", "1s");
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final long HOG_MILLIS = 300;

    @Inject
    IngestConfig config;
    @Inject
    Allocations allocations;
    @Inject
    EventLoopDelay loopDelay;
    @Inject
    Vertx vertx;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    @DisplayName("a saturated node refuses new recordings with no-capacity, keeps every packet of the call it holds, and accepts again once caught up")
    void saturatedNodeRefusesNewCallsAndKeepsItsOwn() throws Exception {
        await().atMost(WAIT).until(() -> allocations.freePorts() == IngestTestResources.POOL_SIZE);
        String held = newId();
        int port = allocatePort(held);
        AtomicBoolean saturate = new AtomicBoolean(true);
        int sent = 0;
        try (DatagramSocket phone = new DatagramSocket(new InetSocketAddress(IngestCalls.PHONE, 0))) {
            // the node gets saturated: each event loop is busy 300 ms at a time, again and again
            hogEveryEventLoop(saturate);
            await().atMost(WAIT).until(loopDelay::overloaded);

            // the call it holds goes on sending (20 ms packets) while new calls arrive
            List<Integer> refusals = new ArrayList<>();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (System.nanoTime() < until) {
                for (int i = 0; i < 10; i++) {
                    send(phone, port, RtpPackets.pcma(sent, sent));
                    sent++;
                    TimeUnit.MILLISECONDS.sleep(20); // the phone's own pacing, not a wait for the node
                }
                String newcomer = newId();
                Response r = allocate(newcomer);
                refusals.add(r.statusCode());
                if (r.statusCode() == 503) {
                    assertThat(r.<String>path("error")).isEqualTo("no-capacity");
                } else {
                    release(newcomer);
                }
            }
            assertThat(refusals).as("new allocations while saturated").contains(503).doesNotContain(200);

            // the node catches up: new calls are taken again after ingest.overload.hold
            saturate.set(false);
            String later = newId();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> allocate(later).statusCode() == 200);
            release(later).then().statusCode(200);
            assertThat(loopDelay.refusals()).isGreaterThanOrEqualTo(refusals.size());
        }

        // the call it held lost nothing
        int expected = sent;
        await().atMost(WAIT).until(() -> allocations.sessions().stream()
                .anyMatch(s -> s.start().recordingId().equals(held) && s.result().packetsAccepted() == expected));
        release(held).then().statusCode(200);
        RecordingEnded end = endOf(bootstrapServers, config.kafka().mediaTopic(), held);
        assertThat(end.packetsAccepted()).isEqualTo(expected);
        assertThat(end.droppedByReason()).isEmpty();
    }

    /**
     * Keeps every event loop busy {@value #HOG_MILLIS} ms at a time while {@code saturate} is
     * set, with one round of I/O in between (the next hog is a scheduled task, which the loop
     * takes only after its next I/O round), as a loop with too many sockets is.
     */
    private void hogEveryEventLoop(AtomicBoolean saturate) {
        vertx.nettyEventLoopGroup().forEach(loop -> hog(loop, saturate));
    }

    private static void hog(EventExecutor loop, AtomicBoolean saturate) {
        loop.schedule(() -> {
            try {
                Thread.sleep(HOG_MILLIS); // busy: no CPU needed to hold a loop, the machine is shared
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (saturate.get()) {
                hog(loop, saturate);
            }
        }, 1, TimeUnit.MILLISECONDS);
    }
}
