package org.callrec.ingest.allocation;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.callrec.ingest.config.IngestConfig;
import org.callrec.ingest.kafka.MediaPublisher;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * The node's start, drain and stop, in the one order they depend on.
 *
 * <p><b>Start</b>: the {@link MediaPublisher} first (its thread creates the media topic), then
 * the {@link AllocationJournal} (creates the allocations topic), the port pool, the recovery of
 * the recordings the journal says this node held, and the {@link LeaseTicker}.
 *
 * <p><b>SIGTERM</b>: at once no new allocations (503 {@code shutting-down}, readiness down, see
 * {@link Allocations#startDrain}; a drain started before by the preStop hook simply goes on);
 * the open recordings go on until they end or {@code ingest.shutdown.drain} passed. Then those
 * still open are handed over (last chunks published, no END, kept in the journal: the next start
 * with this node id continues them) or, with {@code ingest.shutdown.hand-over=false}, ended with
 * reason {@code ingest-shutdown}; after them the journal and last the publisher
 * flush what they hold and close.
 */
@ApplicationScoped
public class NodeLifecycle {

    /**
     * Priority of the start: before the observers of default priority (health probes, metrics),
     * which see a node whose publisher runs and whose port pool is set up.
     */
    public static final int STARTUP_ORDER = 100;
    /** Priority of the stop: sessions end first, their records are sent next (both in {@link #stop}). */
    public static final int SHUTDOWN_ORDER = 90;

    private static final Logger LOG = Logger.getLogger(NodeLifecycle.class);

    @Inject
    IngestConfig config;
    @Inject
    MediaPublisher publisher;
    @Inject
    AllocationJournal journal;
    @Inject
    MediaSockets sockets;
    @Inject
    Allocations allocations;
    @Inject
    RecordingRegistry registry;
    @Inject
    LeaseTicker ticker;
    @Inject
    ThisHost host;

    void start(@Observes @Priority(STARTUP_ORDER) StartupEvent event) {
        publisher.start();
        journal.start();
        sockets.start();
        allocations.recover();
        ticker.start();
        LOG.infof("Ingest node %s: UDP ports %d-%d on %s (%s transport), advertised as %s", host.nodeId(),
                config.ports().min(), config.ports().max(), config.bindAddress(), sockets.transport(),
                config.advertisedAddress());
    }

    /** SIGTERM, first phase (see the class comment): the drain. */
    void drain(@Observes ShutdownDelayInitiatedEvent event) {
        // Quarkus's pre-shutdown phase (quarkus.shutdown.delay-enabled=true): Vert.x, the UDP
        // sockets and the HTTP API still run, which the ShutdownEvent phase does not guarantee.
        allocations.startDrain();
        long deadline = System.nanoTime() + config.shutdown().drain().toNanos();
        int open = registry.open().size();
        if (open > 0) {
            LOG.infof("Shutting down: draining %d open recordings for up to %s", open, config.shutdown().drain());
        }
        while (!registry.empty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
    }

    /** SIGTERM, second phase (see the class comment): what is still open, then the journal and the publisher. */
    void stop(@Observes @Priority(SHUTDOWN_ORDER) ShutdownEvent event) {
        ticker.stop();
        allocations.stopAll(config.shutdown().handOver() && config.recovery().enabled());
        journal.stop();
        publisher.close();
    }
}
