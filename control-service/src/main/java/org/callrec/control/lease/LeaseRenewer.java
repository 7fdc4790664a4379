package org.callrec.control.lease;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.callrec.control.allocation.IngestNodeClient;
import org.callrec.control.allocation.Placement;
import org.callrec.control.config.ControlConfig;
import org.callrec.core.allocation.LeaseAnswer;
import org.callrec.core.allocation.LeaseRenewal;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

/**
 * Renews the leases of this instance's open recordings on their ingest nodes, every
 * {@code control.lease.renew-interval}, in one {@code POST /internal/v1/leases} per node.
 *
 * <p>An id the node answers as unknown (it ended the recording, or restarted without it) is
 * logged once at WARN and no longer renewed; the phone's session goes on (its stop is still
 * answered {@code success}). A node that fails renewals is logged once at WARN until it answers
 * again; its recordings go on (the node ends them as {@code control-lost} only if this
 * instance stays away longer than the node's {@code ingest.lease.ttl}).
 */
@ApplicationScoped
public class LeaseRenewer {

    private static final Logger LOG = Logger.getLogger(LeaseRenewer.class);

    /**
     * Shutdown order of the renewals' stop: after the server's drain
     * ({@code ControlServer.SHUTDOWN_ORDER}), so the leases of the recordings still open are
     * renewed while it runs.
     */
    public static final int SHUTDOWN_ORDER = 110;

    @Inject
    ControlConfig config;
    @Inject
    Vertx vertx;
    @Inject
    IngestNodeClient client;

    /** Recording ids to renew, by ingest node base URL. */
    private final Map<String, Set<String>> held = new ConcurrentHashMap<>();
    /** Nodes whose last renewal failed (logged once until they answer again). */
    private final Set<String> failing = ConcurrentHashMap.newKeySet();
    private long timerId = -1;

    void start(@Observes StartupEvent event) {
        timerId = vertx.setPeriodic(Math.max(10, config.lease().renewInterval().toMillis()), id -> renewAll());
    }

    void stop(@Observes @Priority(SHUTDOWN_ORDER) ShutdownEvent event) {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
    }

    /** Starts renewing a recording's lease. */
    public void hold(Placement placement) {
        held.computeIfAbsent(placement.nodeUrl(), n -> ConcurrentHashMap.newKeySet())
                .add(placement.recordingId());
    }

    /** Stops renewing a recording's lease (it ended). */
    public void drop(Placement placement) {
        Set<String> ids = held.get(placement.nodeUrl());
        if (ids != null) {
            ids.remove(placement.recordingId());
        }
    }

    /** Recordings whose leases are renewed, all nodes together. */
    public int held() {
        return held.values().stream().mapToInt(Set::size).sum();
    }

    private void renewAll() {
        held.forEach((node, ids) -> {
            if (!ids.isEmpty()) {
                renew(node, new ArrayList<>(ids));
            }
        });
    }

    private void renew(String node, List<String> ids) {
        client.renewLeases(node, new LeaseRenewal(ids)).onComplete(ar -> {
            if (ar.failed() || ar.result().statusCode() != 200) {
                if (failing.add(node)) {
                    LOG.warnf("Ingest node %s did not renew the leases of %d recordings (%s), e.g. recording %s;"
                            + " they go on, retried every %s", node, ids.size(),
                            ar.failed() ? ar.cause().toString() : "HTTP " + ar.result().statusCode(),
                            ids.get(0), config.lease().renewInterval());
                }
                return;
            }
            if (failing.remove(node)) {
                LOG.infof("Ingest node %s renews leases again", node);
            }
            LeaseAnswer answer;
            try {
                answer = ar.result().bodyAsJson(LeaseAnswer.class);
            } catch (RuntimeException e) {
                return;
            }
            Set<String> current = held.get(node);
            for (String id : answer == null ? List.<String>of() : answer.unknown()) {
                if (current != null && current.remove(id)) {
                    LOG.warnf("Recording %s: ingest node %s no longer holds it (ended there or lost);"
                            + " its lease is no longer renewed", id, node);
                }
            }
        });
    }
}
