package org.callrec.ingest.allocation;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.callrec.core.chunk.StopReason;
import org.callrec.ingest.config.IngestConfig;
import org.callrec.ingest.media.RecordingSession;
import org.callrec.logging.RecordingMdc;
import org.jboss.logging.Logger;

import io.vertx.core.Vertx;

/**
 * The node's periodic tick, every quarter of {@code ingest.chunk.duration} (at least 10 ms), over
 * the open recordings: a recording whose lease lapsed ({@code ingest.lease.ttl}) is released with
 * reason {@code control-lost}, one that outlived {@code ingest.recording.max-duration} with
 * {@code max-duration}, one that accepted no packet for {@code ingest.recording.media-timeout}
 * (or none at all for {@code …first-media-timeout}) with {@code media-timeout}; the others
 * publish a chunk that has been open for a chunk's duration, and an ALIVE record when they
 * published nothing for {@code ingest.alive-interval}. It also closes the sockets of ports whose
 * quarantine is over.
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
    @Inject
    MediaSockets sockets;

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
        IngestConfig.Recording limits = config.recording();
        long maxMillis = limits.maxDuration().toMillis();
        long mediaNanos = limits.mediaTimeout().toNanos();
        long firstMediaNanos = limits.firstMediaTimeout().toNanos();
        for (RecordingSession s : registry.open()) {
            String id = s.start().recordingId();
            if (s.leaseLapsed(now, ttlNanos)) {
                RecordingMdc.run(id, () -> LOG.warnf("Recording %s: lease not renewed for %s (control-service lost it),"
                        + " ending it", id, config.lease().ttl()));
                allocations.release(id, StopReason.CONTROL_LOST.token(), Map.of());
                continue;
            }
            StopReason outlived = s.outlived(now, maxMillis, mediaNanos, firstMediaNanos);
            if (outlived != null) {
                RecordingMdc.run(id, () -> LOG.warnf("Recording %s: %s, ending it with reason %s", id,
                        outlived == StopReason.MAX_DURATION
                                ? "open for its longest allowed duration (" + limits.maxDuration() + " or its tenant's)"
                                : "no packet accepted for " + (s.result().packetsAccepted() == 0
                                        ? limits.firstMediaTimeout() + " since its start" : limits.mediaTimeout()),
                        outlived.token()));
                allocations.release(id, outlived.token(), Map.of());
                continue;
            }
            s.flushIfDue(now);
            s.aliveIfDue(now, aliveNanos, host.nodeId());
        }
        sockets.closeRested();
    }
}
