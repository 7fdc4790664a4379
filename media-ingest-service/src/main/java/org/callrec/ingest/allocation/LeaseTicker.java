package org.callrec.ingest.allocation;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.callrec.core.chunk.StopReason;
import org.callrec.ingest.config.IngestConfig;
import org.callrec.ingest.media.RecordingSession;
import org.jboss.logging.Logger;

import io.vertx.core.Vertx;

/**
 * The node's periodic tick, every quarter of {@code ingest.chunk.duration} (at least 10 ms), over
 * the open recordings: a recording whose lease lapsed ({@code ingest.lease.ttl}) is released with
 * reason {@code control-lost}; the others publish a chunk that has been open for a
 * chunk's duration, and an ALIVE record when they published nothing for
 * {@code ingest.alive-interval}.
 */
@ApplicationScoped
public class LeaseTicker {

    private static final Logger LOG = Logger.getLogger(LeaseTicker.class);

    @Inject
    IngestConfig config;
    @Inject
    Vertx vertx;
    @Inject
    RecordingRegistry registry;
    @Inject
    Allocations allocations;
    @Inject
    ThisHost host;

    private long timerId = -1;

    /** Starts ticking (node startup, after the recovery). */
    void start() {
        long tick = Math.max(10, config.chunk().duration().toMillis() / 4);
        timerId = vertx.setPeriodic(tick, id -> tick(System.nanoTime()));
    }

    /** Stops ticking (node shutdown). */
    void stop() {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
    }

    private void tick(long now) {
        long aliveNanos = config.aliveInterval().toNanos();
        long ttlNanos = config.lease().ttl().toNanos();
        for (RecordingSession s : registry.open()) {
            if (s.leaseLapsed(now, ttlNanos)) {
                LOG.warnf("Recording %s: lease not renewed for %s (control-service lost it), ending it",
                        s.start().recordingId(), config.lease().ttl());
                allocations.release(s.start().recordingId(), StopReason.CONTROL_LOST.token(), Map.of());
                continue;
            }
            s.flushIfDue(now);
            s.aliveIfDue(now, aliveNanos, host.nodeId());
        }
    }
}
