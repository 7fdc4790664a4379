package org.callrec.control.protocol;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.callrec.control.admission.Admission;
import org.callrec.control.allocation.IngestAllocator;
import org.callrec.control.config.ControlConfig;
import org.callrec.control.lease.LeaseRenewer;
import org.callrec.control.log.BadInputLog;
import org.callrec.control.metrics.ControlMetrics;
import org.callrec.control.session.ConnectionServices;
import org.callrec.control.session.ControlSessions;
import org.callrec.control.tenant.TenantGate;
import org.callrec.core.audio.AudioCodec;
import org.callrec.core.protocol.StartRules;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;

/** Deploys the control verticles when the application starts. */
@ApplicationScoped
public class ControlServer {

    private static final Logger LOG = Logger.getLogger(ControlServer.class);

    @Inject
    ControlConfig config;
    @Inject
    IngestAllocator ingest;
    @Inject
    ControlMetrics metrics;
    @Inject
    LeaseRenewer leases;
    @Inject
    ControlSessions sessions;
    @Inject
    Admission admission;
    @Inject
    BadInputLog badInput;
    @Inject
    TenantGate tenants;
    @Inject
    Vertx vertx;

    /** How often sources that hold nothing and whose start bucket refilled are forgotten. */
    static final long SOURCE_SWEEP_MILLIS = 30_000;

    /** Shutdown order: the drain runs before the lease renewals stop. */
    public static final int SHUTDOWN_ORDER = LeaseRenewer.SHUTDOWN_ORDER - 10;

    private volatile int port;

    void start(@Observes StartupEvent event) throws Exception {
        Set<AudioCodec> codecs = EnumSet.noneOf(AudioCodec.class);
        for (String name : config.codecs()) {
            codecs.add(AudioCodec.parse(name).orElseThrow(
                    () -> new IllegalArgumentException("control.codecs: unknown codec " + name)));
        }
        int instances = config.protocol().instances() > 0 ? config.protocol().instances()
                : Math.max(1, 2 * Runtime.getRuntime().availableProcessors());
        StartRules startRules = new StartRules(codecs);
        ConnectionServices services = new ConnectionServices(config, ingest, leases, sessions, startRules, metrics,
                admission, badInput, tenants);
        metrics.connectionLimit(admission.maxConnections());
        vertx.setPeriodic(SOURCE_SWEEP_MILLIS, id -> admission.sweep());
        ControlVerticle[] first = new ControlVerticle[1];
        vertx.deployVerticle(() -> {
            ControlVerticle v = new ControlVerticle(services);
            if (first[0] == null) {
                first[0] = v;
            }
            return v;
        }, new DeploymentOptions().setInstances(instances))
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        port = first[0].actualPort();
        LOG.infof("Control server listening on TCP %s:%d (codecs %s, %s)", config.host(), port, codecs,
                config.tenants().registry() ? "tenants from the registry, unknown devices: " + config.tenants().unknownDevices()
                        : "every recording in tenant " + config.defaultTenant());
    }

    /**
     * SIGTERM: new connections are closed at once and new starts answered
     * {@code shutting-down}; commands in flight finish and open recordings go on (their stops
     * are served) until none is left or {@code control.shutdown.drain} passed. Connections
     * still open then are closed when the process exits without ending their recordings: the
     * ingest nodes keep recording them until their leases lapse ({@code control-lost}), so a
     * phone that streams on loses nothing (see the service docs).
     */
    void drain(@Observes ShutdownDelayInitiatedEvent event) {
        // Quarkus's pre-shutdown phase (quarkus.shutdown.delay-enabled=true): Vert.x still runs.
        sessions.drain();
        long deadline = System.nanoTime() + config.shutdown().drain().toNanos();
        if (sessions.busy() > 0) {
            LOG.infof("Shutting down: waiting up to %s for %d open recordings and commands on %d connections",
                    config.shutdown().drain(), sessions.busy(), sessions.connections());
        }
        while (sessions.busy() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        sessions.leaveOpen();
        if (sessions.busy() > 0) {
            LOG.infof("Shutting down with %d recordings still open: left to their ingest nodes' leases", sessions.busy());
        }
    }

    /** After the drain ({@link #drain}): connections closing from now on leave their recordings open. */
    void stop(@Observes @jakarta.annotation.Priority(SHUTDOWN_ORDER) ShutdownEvent event) {
        sessions.drain();
        sessions.leaveOpen();
    }

    /** The TCP port phones connect to; 0 until every control verticle listens. */
    public int port() {
        return port;
    }
}
