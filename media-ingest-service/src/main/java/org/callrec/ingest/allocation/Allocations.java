package org.callrec.ingest.allocation;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.callrec.core.allocation.AllocateRequest;
import org.callrec.core.allocation.Allocation;
import org.callrec.core.allocation.ReleaseResult;
import org.callrec.core.audio.AudioCodec;
import org.callrec.core.chunk.ChunkCodec;
import org.callrec.core.chunk.RecordingStarted;
import org.callrec.core.chunk.StopReason;
import org.callrec.core.protocol.RefusalReason;
import org.callrec.ingest.config.IngestConfig;
import org.callrec.ingest.kafka.MediaPublisher;
import org.callrec.ingest.media.EventLoopDelay;
import org.callrec.ingest.media.RecordingSession;
import org.callrec.logging.RecordingMdc;
import org.jboss.logging.Logger;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * How recordings come to this node and leave it: allocated (a UDP port bound, the start record
 * published, the allocation journaled), recovered from the {@link AllocationJournal} at start
 * (same UDP port, no second START: storage sees one recording go on), and released (after
 * {@code ingest.release-linger}, the last chunk and end record published, the port quarantined).
 *
 * <p>The recordings are held by the {@link RecordingRegistry}, their sockets by
 * {@link MediaSockets}; the {@link LeaseTicker} ends those whose lease lapsed with reason
 * {@code control-lost}, and the {@link NodeLifecycle} runs the start, the drain and the stop.
 * {@link #startDrain} turns new allocations away ({@code POST /internal/v1/node/drain}, the
 * Helm chart's preStop hook, SIGTERM), and so does an overloaded node ({@link EventLoopDelay}).
 */
@ApplicationScoped
public class Allocations {

    private static final Logger LOG = Logger.getLogger(Allocations.class);

    @Inject
    IngestConfig config;
    @Inject
    Vertx vertx;
    @Inject
    MediaPublisher publisher;
    @Inject
    AllocationJournal journal;
    @Inject
    RecordingRegistry registry;
    @Inject
    MediaSockets sockets;
    @Inject
    ThisHost host;
    @Inject
    RecordingIdGuard ids;
    @Inject
    EventLoopDelay loopDelay;

    private final AtomicLong started = new AtomicLong();
    private final AtomicLong ended = new AtomicLong();
    /** Set on SIGTERM or {@code POST /internal/v1/node/drain}: no new allocations, readiness down. */
    private final AtomicBoolean draining = new AtomicBoolean();

    /** This node's id. */
    public String nodeId() {
        return host.nodeId();
    }

    /** Open recordings. */
    public Collection<RecordingSession> sessions() {
        return registry.open();
    }

    /** Whether the node takes new recordings (false once it drains: SIGTERM or {@link #startDrain}). */
    public boolean accepting() {
        return !draining.get();
    }

    /**
     * Starts the drain without stopping the process: from now on readiness is down and new
     * allocations are refused with 503 {@code shutting-down}, exactly as after SIGTERM, while
     * the open recordings go on (releases and lease renewals are served). There is no way
     * back: the node stays draining until it stops. Idempotent.
     *
     * @return the recordings open now
     */
    public int startDrain() {
        int open = registry.open().size();
        if (draining.compareAndSet(false, true)) {
            LOG.infof("Draining: no new recordings from now on; %d open recordings go on", open);
        }
        return open;
    }

    /**
     * Renews the leases of these recordings; returns the ids this node does not hold (a
     * recording released a moment ago and still lingering counts as held).
     */
    public List<String> renew(List<String> recordingIds) {
        return registry.renew(recordingIds);
    }

    /** Ports that can be handed out now (0 before startup). */
    public int freePorts() {
        return sockets.freePorts();
    }

    /** Ports in the pool. */
    public int totalPorts() {
        return sockets.totalPorts();
    }

    /** Recordings allocated since the node started. */
    public long recordingsStarted() {
        return started.get();
    }

    /** Recordings whose END record was queued since the node started. */
    public long recordingsEnded() {
        return ended.get();
    }

    /** Whether the node has set up its port pool (startup done). */
    public boolean started() {
        return sockets.started();
    }

    /**
     * Gives the recording a bound UDP port. Idempotent: the same recording id gets the same
     * endpoint. Fails with an {@link AllocationException}.
     */
    public Future<Allocation> allocate(AllocateRequest request) {
        try {
            validate(request);
        } catch (AllocationException e) {
            return Future.failedFuture(e);
        }
        if (draining.get()) {
            return Future.failedFuture(new AllocationException(503, RefusalReason.SHUTTING_DOWN.token(),
                    "node " + nodeId() + " is shutting down"));
        }
        RecordingSession existing = registry.get(request.recordingId());
        if (existing != null) {
            // control-service asking again (a retry): the same answer, but only for the same call
            if (sameCall(existing.start(), request)) {
                return Future.succeededFuture(allocationOf(existing));
            }
            return Future.failedFuture(ids.refuse("recording " + request.recordingId()
                    + " is open on this node for another tenant or phone"));
        }
        if (registry.isLingering(request.recordingId())
                || registry.wasReleasedBeforeAllocated(request.recordingId())) {
            return Future.failedFuture(new AllocationException(409, RefusalReason.RECORDING_ENDED.token(),
                    "recording " + request.recordingId() + " has just ended"));
        }
        if (loopDelay.overloaded()) {
            // the calls this node holds first: another node takes the new one
            loopDelay.refused();
            return Future.failedFuture(new AllocationException(503, RefusalReason.NO_CAPACITY.token(),
                    "node " + nodeId() + " is overloaded: its packet path runs " + loopDelay.worstDelayMillis()
                            + " ms late"));
        }
        try {
            ids.accept(request.recordingId());
        } catch (AllocationException e) {
            return Future.failedFuture(e);
        }
        return sockets.bindFree(request.recordingId()).compose(bound -> open(request, bound));
    }

    private Future<Allocation> open(AllocateRequest request, MediaSockets.Bound bound) {
        RecordingStarted start = new RecordingStarted(request.recordingId(), request.tenant(),
                nz(request.phoneSessionId()), nz(request.device()), AudioCodec.parse(request.codec()).orElseThrow(),
                nz(request.direction()), ThisHost.normaliseAddress(request.phoneAddress()), nodeId(), bound.port(),
                System.currentTimeMillis(), request.fields() == null ? Map.of() : request.fields(), request.placement(),
                request.maxDurationSeconds() == null || request.maxDurationSeconds() <= 0 ? 0
                        : request.maxDurationSeconds() * 1000L);
        RecordingSession session = sockets.session(start, bound.socket());
        RecordingSession raced = registry.putIfAbsent(session);
        if (raced != null) {
            sockets.close(session);
            return Future.succeededFuture(allocationOf(raced));
        }
        if (publisher.backlogBytes() >= config.kafka().publishQueueBytes()
                || publisher.backlog() >= config.kafka().publishQueue()) {
            // Kafka has been away long enough to fill the node's buffer: another node may do better.
            registry.remove(request.recordingId());
            sockets.close(session);
            return Future.failedFuture(new AllocationException(503, RefusalReason.NO_CAPACITY.token(), "Kafka publish buffer full"));
        }
        publisher.offerControl(session.account(), ChunkCodec.encodeStart(start));
        journal.opened(start);
        session.listen();
        started.incrementAndGet();
        RecordingMdc.run(start.recordingId(), () -> LOG.infof("Recording %s allocated: phone %s sends %s to port %d",
                start.recordingId(), start.phoneAddress(), start.codec(), bound.port()));
        return Future.succeededFuture(allocationOf(session));
    }

    /**
     * Ends a recording. From now (the stop handled) packets still in flight from the phone are
     * accepted for {@code ingest.release-linger} more; then every datagram already queued on the
     * socket is read ({@link MediaSockets#drain}, at most {@code ingest.release-drain-timeout});
     * then the last chunk and the end record are queued for Kafka, and the socket rests with its
     * port in quarantine. Answers at once with the counts so far.
     */
    public Optional<ReleaseResult> release(String recordingId, String reason, Map<String, String> fields) {
        RecordingSession session = registry.remove(recordingId);
        if (session == null) {
            if (!registry.isLingering(recordingId)) {
                // control-service gave up on an allocation this node has not made (yet): if its
                // request arrives late, it is refused instead of opening an orphan.
                registry.rememberReleasedUnknown(recordingId);
            }
            return Optional.empty();
        }
        session.stopHandled();
        String why = StopReason.orStop(reason);
        Map<String, String> stopFields = fields == null ? Map.of() : fields;
        registry.linger(recordingId, new RecordingRegistry.Closing(session, why, stopFields));
        long linger = config.releaseLinger().toMillis();
        if (linger <= 0) {
            drainThenFinish(recordingId, session);
        } else {
            vertx.setTimer(linger, t -> drainThenFinish(recordingId, session));
        }
        return Optional.of(session.result());
    }

    private void drainThenFinish(String recordingId, RecordingSession session) {
        if (!registry.isLingering(recordingId)) {
            return; // ended meanwhile (node stop)
        }
        vertx.executeBlocking(() -> sockets.drain(session), false)
                .compose(drained -> drained)
                .onComplete(ar -> vertx.executeBlocking(() -> {
                    finishLingering(recordingId, ar.succeeded() && ar.result());
                    return null;
                }, false));
    }

    private void finishLingering(String recordingId, boolean tailDrained) {
        RecordingRegistry.Closing closing = registry.stopLingering(recordingId);
        if (closing != null) {
            finish(closing.session(), closing.reason(), closing.fields(), tailDrained);
        }
    }

    private void finish(RecordingSession session, String reason, Map<String, String> fields, boolean tailDrained) {
        session.end(reason, fields, tailDrained);
        String id = session.start().recordingId();
        journal.ended(id);
        ended.incrementAndGet();
        RecordingMdc.run(id, () -> {
            if (tailDrained) {
                LOG.infof("Recording %s ended (%s): %d packets accepted", id, reason, session.result().packetsAccepted());
            } else {
                LOG.warnf("Recording %s ended (%s): %d packets accepted; its socket's queue was not read to the end"
                        + " (tailDrained=false)", id, reason, session.result().packetsAccepted());
            }
        });
        sockets.rest(session);
    }

    /**
     * Takes over the recordings the journal says this node held: binds their UDP ports again
     * and goes on recording them (no second START: storage sees the same recording continue,
     * the time the node was away being a gap in RTP). Their leases start now. Every id the
     * journal still holds is remembered as not new ({@link RecordingIdGuard}).
     */
    void recover() {
        for (RecordingStarted start : journal.readOpen(nodeId(), ids::remember)) {
            String id = start.recordingId();
            MediaSockets.Rebound rebound = sockets.bindAgain(start);
            RecordingSession session = rebound.session();
            if (rebound.failure() != null) {
                LOG.warnf("Recording %s: UDP port %d could not be bound again (%s); ending it with reason %s", id,
                        start.mediaPort(), rebound.failure().toString(), StopReason.RECOVERY_FAILED.token());
                session.end(StopReason.RECOVERY_FAILED.token(), Map.of(), true);
                journal.ended(id);
                continue;
            }
            session.listen();
            registry.put(session);
            LOG.infof("Recording %s recovered: phone %s sends to port %d again", id, start.phoneAddress(),
                    start.mediaPort());
        }
    }

    /**
     * The node stops: no new allocations; the lingering recordings end now; the open ones are
     * handed over to the node's next start ({@code handOver}: last chunks published, no END,
     * kept in the journal) or ended with reason {@code ingest-shutdown}.
     */
    void stopAll(boolean handOver) {
        draining.set(true);
        for (String id : registry.lingeringIds()) {
            finishLingering(id, false);
        }
        for (String id : registry.openIds()) {
            RecordingSession session = registry.remove(id);
            if (session == null) {
                continue;
            }
            if (handOver) {
                LOG.infof("Recording %s handed over to this node's next start (port %d)", id, session.port());
                session.flush();
                session.closeSocket();
            } else {
                session.stopHandled();
                finish(session, StopReason.INGEST_SHUTDOWN.token(), Map.of(), false);
            }
        }
        sockets.closeAllResting();
    }

    private static boolean sameCall(RecordingStarted open, AllocateRequest request) {
        return open.tenant().equals(request.tenant())
                && open.phoneAddress().equals(ThisHost.normaliseAddress(request.phoneAddress()));
    }

    private Allocation allocationOf(RecordingSession s) {
        return new Allocation(s.start().recordingId(), nodeId(), config.advertisedAddress(), s.port());
    }

    private static void validate(AllocateRequest r) {
        if (r.recordingId() == null || r.recordingId().isBlank()) {
            throw new AllocationException(400, RefusalReason.BAD_REQUEST.token(), "recordingId is required");
        }
        if (r.tenant() == null || r.tenant().isBlank()) {
            throw new AllocationException(400, RefusalReason.BAD_REQUEST.token(), "tenant is required");
        }
        if (AudioCodec.parse(r.codec()).isEmpty()) {
            throw new AllocationException(400, RefusalReason.UNSUPPORTED_CODEC.token(), "unsupported codec " + r.codec());
        }
        if (r.phoneAddress() == null || !ThisHost.isIpLiteral(r.phoneAddress())) {
            throw new AllocationException(400, RefusalReason.BAD_REQUEST.token(), "phoneAddress must be an IP address");
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
