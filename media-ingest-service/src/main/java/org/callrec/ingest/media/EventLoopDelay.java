package org.callrec.ingest.media;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.callrec.ingest.config.IngestConfig;
import org.jboss.logging.Logger;

import io.netty.util.concurrent.EventExecutor;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

/**
 * How far behind the packet path runs: the node's own overload measure. Every event loop of the
 * node (they read the UDP sockets, and serve the HTTP API) runs a probe every
 * {@code ingest.overload.probe-interval}; how late the probe runs is how late a datagram queued
 * on that loop is read. A loop that is busy right now is seen too: its probe is overdue, and
 * counts as late by as much.
 *
 * <p>A loop is <em>behind</em> when two probes in a row (the one overdue now counting as the
 * newest) were later than {@code ingest.overload.max-event-loop-delay}: one late probe is a GC
 * pause or a class loaded on first use, a saturated loop is late every time. The node is
 * {@link #overloaded()} while a loop is behind, and for {@code ingest.overload.hold} after the
 * last such sighting; it then refuses new recordings ({@code no-capacity}: control-service places
 * them on another node) so that the calls it holds keep their packets (a loop reads a bounded
 * number of datagrams per socket per round: rounds that long let a call's socket queue grow
 * until the kernel drops). The probes cost one scheduled task per loop per interval.
 */
@ApplicationScoped
public class EventLoopDelay {

    private static final Logger LOG = Logger.getLogger(EventLoopDelay.class);

    @Inject
    IngestConfig config;
    @Inject
    Vertx vertx;

    private final LongAdder refusals = new LongAdder();
    private volatile boolean running;
    private volatile AtomicLongArray lastRun = new AtomicLongArray(0);
    private volatile AtomicLongArray lastLate = new AtomicLongArray(0);
    private volatile AtomicLongArray previousLate = new AtomicLongArray(0);
    /** When a loop was last seen later than the threshold (nanoTime); valid once {@link #everLate}. */
    private volatile long lastLateAt;
    private volatile boolean everLate;
    private volatile boolean reported;
    private long intervalNanos;

    @SuppressWarnings("deprecation") // nettyEventLoopGroup(): the one way to reach every loop in Vert.x 4
    void start(@Observes StartupEvent event) {
        intervalNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1), config.overload().probeInterval().toNanos());
        List<EventExecutor> loops = new ArrayList<>();
        vertx.nettyEventLoopGroup().forEach(loops::add);
        lastRun = new AtomicLongArray(loops.size());
        lastLate = new AtomicLongArray(loops.size());
        previousLate = new AtomicLongArray(loops.size());
        running = true;
        long now = System.nanoTime();
        for (int i = 0; i < loops.size(); i++) {
            lastRun.set(i, now);
            schedule(loops.get(i), i, now + intervalNanos);
        }
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
    }

    private void schedule(EventExecutor loop, int i, long dueNanos) {
        loop.schedule(() -> probe(loop, i, dueNanos), intervalNanos, TimeUnit.NANOSECONDS);
    }

    private void probe(EventExecutor loop, int i, long dueNanos) {
        long now = System.nanoTime();
        long late = Math.max(0, now - dueNanos);
        lastRun.set(i, now);
        previousLate.set(i, lastLate.get(i));
        lastLate.set(i, late);
        long threshold = thresholdNanos();
        if (threshold > 0 && Math.min(late, previousLate.get(i)) > threshold) {
            sawLate(now);
        }
        if (running) {
            schedule(loop, i, now + intervalNanos);
        }
    }

    private long thresholdNanos() {
        return config.overload().maxEventLoopDelay().toNanos();
    }

    private void sawLate(long now) {
        lastLateAt = now;
        everLate = true;
    }

    /** The worst lateness of the node's loops now: the last probes' and that of a loop busy right now. */
    public long worstDelayNanos() {
        long now = System.nanoTime();
        long worst = 0;
        AtomicLongArray runs = lastRun;
        AtomicLongArray lates = lastLate;
        for (int i = 0; i < runs.length(); i++) {
            worst = Math.max(worst, Math.max(lates.get(i), now - runs.get(i) - intervalNanos));
        }
        return worst;
    }

    /** {@link #worstDelayNanos()} in milliseconds. */
    public long worstDelayMillis() {
        return TimeUnit.NANOSECONDS.toMillis(worstDelayNanos());
    }

    /**
     * The worst lateness a loop kept over its last two probes (the overdue one counting as the
     * newest): what {@link #overloaded()} compares with the threshold.
     */
    public long sustainedDelayNanos() {
        long now = System.nanoTime();
        long worst = 0;
        AtomicLongArray runs = lastRun;
        AtomicLongArray lates = lastLate;
        AtomicLongArray previous = previousLate;
        for (int i = 0; i < runs.length(); i++) {
            long overdue = now - runs.get(i) - intervalNanos;
            long sustained = overdue > 0 ? Math.min(overdue, lates.get(i)) : Math.min(lates.get(i), previous.get(i));
            worst = Math.max(worst, sustained);
        }
        return worst;
    }

    /**
     * Whether a loop of the node's packet path is behind by more than
     * {@code ingest.overload.max-event-loop-delay} now, or was within {@code ingest.overload.hold}.
     * Always false when the threshold is 0.
     */
    public boolean overloaded() {
        long threshold = thresholdNanos();
        if (threshold <= 0 || !running) {
            return false;
        }
        long now = System.nanoTime();
        if (sustainedDelayNanos() > threshold) {
            sawLate(now);
        }
        boolean over = everLate && now - lastLateAt < config.overload().hold().toNanos();
        if (over != reported) {
            reported = over;
            if (over) {
                LOG.warnf("Overloaded: an event loop runs %d ms late (ingest.overload.max-event-loop-delay %s);"
                        + " new recordings are refused with no-capacity", TimeUnit.NANOSECONDS.toMillis(
                                Math.max(sustainedDelayNanos(), worstDelayNanos())),
                        config.overload().maxEventLoopDelay());
            } else {
                LOG.infof("No longer overloaded: new recordings are taken again");
            }
        }
        return over;
    }

    /** Counts a new recording refused because the node was overloaded. */
    public void refused() {
        refusals.increment();
    }

    /** New recordings refused because the node was overloaded, since it started. */
    public long refusals() {
        return refusals.sum();
    }
}
