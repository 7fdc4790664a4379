package org.callrec.control.allocation;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.callrec.control.config.ControlConfig;
import org.callrec.logging.RecordingMdc;
import org.callrec.control.metrics.ControlMetrics;
import org.callrec.core.allocation.AllocateRequest;
import org.callrec.core.allocation.Allocation;
import org.callrec.core.allocation.ApiError;
import org.callrec.core.allocation.ReleaseRequest;
import org.callrec.core.chunk.StopReason;
import org.callrec.core.id.RecordingIds;
import org.callrec.core.protocol.RefusalReason;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;

/**
 * Places recordings on the ingest nodes and ends them there, through {@link IngestNodeClient}
 * (the internal API, {@link org.callrec.core.allocation}). Allocation tries
 * the nodes one after the other, starting from a rotating index so load spreads; a node that
 * refuses for capacity, fails or times out is skipped; a request the node finds invalid is not
 * retried elsewhere.
 *
 * <p>It also remembers when each node last answered anything (an allocation, a release, or the
 * {@code GET /internal/v1/node} it sends every {@code control.ingest.probe-interval}): readiness
 * reports whether any node answers.
 */
@ApplicationScoped
public class IngestAllocator {

    private static final Logger LOG = Logger.getLogger(IngestAllocator.class);

    @Inject
    ControlConfig config;
    @Inject
    Vertx vertx;
    @Inject
    ControlMetrics metrics;
    @Inject
    IngestNodeClient client;

    private List<String> nodes;
    private final AtomicInteger next = new AtomicInteger();
    /** Per node base URL: System.nanoTime() of its last HTTP answer, whatever the status. */
    private final Map<String, Long> lastAnswer = new ConcurrentHashMap<>();
    private long probeTimer = -1;

    @PostConstruct
    void init() {
        nodes = config.ingest().nodes().stream().map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u).toList();
    }

    void startProbing(@Observes StartupEvent event) {
        metrics.ingestNodesAnswering(this::nodesAnswering);
        probeAll();
        probeTimer = vertx.setPeriodic(Math.max(10, config.ingest().probeInterval().toMillis()), id -> probeAll());
    }

    @PreDestroy
    void stopProbing() {
        if (probeTimer >= 0) {
            vertx.cancelTimer(probeTimer);
        }
    }

    private void probeAll() {
        for (String node : nodes) {
            client.status(node).onSuccess(response -> answered(node, response));
        }
    }

    /** Notes an answer of {@code node}; a 401 does not count: a node that refuses our credential is of no use. */
    private void answered(String node, HttpResponse<Buffer> response) {
        if (!IngestNodeClient.unauthorized(response)) {
            lastAnswer.put(node, System.nanoTime());
        }
    }

    /** Nodes that answered anything within three probe intervals. */
    public int nodesAnswering() {
        long now = System.nanoTime();
        long window = 3 * config.ingest().probeInterval().toNanos();
        return (int) nodes.stream().map(lastAnswer::get).filter(at -> at != null && now - at <= window).count();
    }

    /** Nodes configured. */
    public int nodesConfigured() {
        return nodes.size();
    }

    /** Allocates on the first node that accepts. */
    public Future<Placement> allocate(AllocateRequest request) {
        int start = Math.floorMod(next.getAndIncrement(), nodes.size());
        return tryNode(request, start, 0);
    }

    private Future<Placement> tryNode(AllocateRequest request, int start, int tried) {
        if (tried == nodes.size()) {
            return Future.failedFuture(new AllocationFailure(RefusalReason.NO_CAPACITY.token(), "no ingest node could take the recording"));
        }
        String node = nodes.get((start + tried) % nodes.size());
        // Each node gets its own recording id: a node that answers after we moved on holds a
        // recording of its own, which we end, instead of a second START for the same id.
        AllocateRequest attempt = tried == 0 ? request : withNewId(request);
        return client.allocate(node, attempt).transform(ar -> {
            if (ar.succeeded()) {
                answered(node, ar.result());
            }
            String problem;
            if (ar.failed()) {
                problem = ar.cause().toString();
            } else if (ar.result().statusCode() == 200) {
                Allocation allocation = allocationOf(ar.result());
                if (allocation != null) {
                    return Future.succeededFuture(new Placement(node, allocation));
                }
                problem = "an answer that is not an allocation";
                abandon(node, attempt.recordingId());
            } else if (ar.result().statusCode() == 400) {
                // The request itself is wrong: another node would refuse it too.
                ApiError error = errorOf(ar.result());
                return Future.failedFuture(new AllocationFailure(error.error(), error.message()));
            } else {
                problem = "HTTP " + ar.result().statusCode();
            }
            String why = problem;
            RecordingMdc.run(attempt.recordingId(), () -> LOG.warnf(
                    "Recording %s: ingest node %s did not allocate (%s), trying the next", attempt.recordingId(),
                    node, why));
            if (ar.failed()) {
                // It may still allocate after our timeout: end that orphan (fire and forget).
                abandon(node, attempt.recordingId());
            }
            return tryNode(request, start, tried + 1);
        });
    }

    /**
     * Ends an allocation we gave up on (the node may still make it after our timeout), with
     * the usual bounded retries; a node that never made it remembers the id and refuses it later.
     */
    private void abandon(String node, String recordingId) {
        release(new Placement(node, new Allocation(recordingId, node, "", 0)),
                new ReleaseRequest(StopReason.ALLOCATION_ABANDONED.token(), Map.of()));
    }

    private static AllocateRequest withNewId(AllocateRequest r) {
        return new AllocateRequest(RecordingIds.next(), r.tenant(), r.phoneSessionId(), r.device(), r.codec(),
                r.direction(), r.phoneAddress(), r.fields());
    }

    /** Ends a recording on its node, with bounded retries; never fails (logs once at WARN). */
    public Future<Void> release(Placement placement, ReleaseRequest request) {
        return release(placement, request, config.ingest().releaseAttempts());
    }

    private Future<Void> release(Placement placement, ReleaseRequest request, int attemptsLeft) {
        String id = placement.recordingId();
        return client.release(placement.nodeUrl(), id, request).transform(ar -> {
            if (ar.succeeded()) {
                answered(placement.nodeUrl(), ar.result());
            }
            if (ar.succeeded() && (ar.result().statusCode() == 200 || ar.result().statusCode() == 404)) {
                return Future.succeededFuture();
            }
            if (attemptsLeft > 1) {
                Future<Void> retry = Future.future(p -> vertx.setTimer(200, t -> p.complete()));
                return retry.compose(v -> release(placement, request, attemptsLeft - 1));
            }
            String why = ar.succeeded() ? "HTTP " + ar.result().statusCode() : ar.cause().toString();
            RecordingMdc.run(id, () -> LOG.warnf("Recording %s: could not end it on ingest node %s (%s)", id,
                    placement.nodeUrl(), why));
            return Future.succeededFuture();
        });
    }

    /** The node's error, or {@code bad-request} when its body carries no usable token. */
    private static ApiError errorOf(HttpResponse<Buffer> response) {
        try {
            ApiError e = response.bodyAsJson(ApiError.class);
            if (e != null && e.error() != null && e.error().matches("[a-z0-9-]{1,40}")) {
                return e;
            }
        } catch (RuntimeException ignored) {
            // not JSON: fall through
        }
        return new ApiError(RefusalReason.BAD_REQUEST.token(), "HTTP " + response.statusCode());
    }

    private static Allocation allocationOf(HttpResponse<Buffer> response) {
        try {
            Allocation a = response.bodyAsJson(Allocation.class);
            return a != null && a.address() != null && !a.address().isBlank() && a.port() > 0 && a.port() < 65536
                    ? a : null;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
