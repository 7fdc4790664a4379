package org.callrec.ingest.allocation;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
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
import org.callrec.logging.RecordingMdc;
import org.callrec.ingest.media.PacketCounters;
import org.callrec.ingest.media.RecordingSession;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;

/**
 * The recordings this node holds: binds a UDP port per recording, publishes its start record,
 * and on release its last chunk and end record.
 *
 * <p>Each recording has a lease that control-service renews; a recording whose lease lapsed
 * ({@code ingest.lease.ttl}) is ended with reason {@code control-lost}. Every allocation and
 * its end go to the {@link AllocationJournal}; at start the node takes over the recordings the
 * journal says it held (same UDP port, no second START: storage sees one recording go on). On
 * SIGTERM the node drains (see {@link #drain}); {@link #startDrain} starts the same drain without
 * stopping the process ({@code POST /internal/v1/node/drain}, the Helm chart's preStop hook).
 */
@ApplicationScoped
public class Allocations {

    private static final Logger LOG = Logger.getLogger(Allocations.class);
    private static final int BIND_ATTEMPTS = 5;

    @Inject
    IngestConfig config;
    @Inject
    Vertx vertx;
    @Inject
    MediaPublisher publisher;
    @Inject
    AllocationJournal journal;
    @Inject
    PacketCounters counters;

    private final java.util.concurrent.atomic.AtomicLong started = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong ended = new java.util.concurrent.atomic.AtomicLong();

    private final Map<String, RecordingSession> sessions = new ConcurrentHashMap<>();
    /** Released recordings still lingering for packets in flight. */
    private final Map<String, Closing> lingering = new ConcurrentHashMap<>();

    private record Closing(RecordingSession session, String reason, Map<String, String> fields) {
    }

    /** Ids released before they were allocated, with when that was (bounded, oldest dropped). */
    private final Map<String, Long> releasedUnknown = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                    return size() > RELEASED_UNKNOWN_MAX
                            || System.nanoTime() - eldest.getValue() > RELEASED_UNKNOWN_NANOS;
                }
            });
    private static final int RELEASED_UNKNOWN_MAX = 10_000;
    private static final long RELEASED_UNKNOWN_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(10);

    private void remember(String recordingId) {
        releasedUnknown.put(recordingId, System.nanoTime());
    }

    private boolean wasReleasedBeforeAllocated(String recordingId) {
        Long at = releasedUnknown.get(recordingId);
        return at != null && System.nanoTime() - at <= RELEASED_UNKNOWN_NANOS;
    }
    private volatile PortPool ports;
    /** This host's own interface addresses (loopback included). */
    private Set<String> hostAddresses = Set.of();
    private String nodeId;
    private long timerId = -1;
    /** Set on SIGTERM or {@code POST /internal/v1/node/drain}: no new allocations, readiness down. */
    private final java.util.concurrent.atomic.AtomicBoolean draining = new java.util.concurrent.atomic.AtomicBoolean();

    void start(@Observes @Priority(MediaPublisher.STARTUP_ORDER + 20) StartupEvent event) {
        ports = new PortPool(config.ports().min(), config.ports().max(), config.ports().quarantine().toNanos(),
                System::nanoTime);
        nodeId = config.nodeId().orElseGet(Allocations::hostName);
        hostAddresses = interfaceAddresses();
        long tick = Math.max(10, config.chunk().duration().toMillis() / 4);
        long aliveNanos = config.aliveInterval().toNanos();
        long ttlNanos = config.lease().ttl().toNanos();
        recover();
        timerId = vertx.setPeriodic(tick, id -> {
            long now = System.nanoTime();
            for (RecordingSession s : sessions.values()) {
                if (s.leaseLapsed(now, ttlNanos)) {
                    LOG.warnf("Recording %s: lease not renewed for %s (control-service lost it), ending it",
                            s.start().recordingId(), config.lease().ttl());
                    release(s.start().recordingId(), StopReason.CONTROL_LOST.token(), Map.of());
                    continue;
                }
                s.flushIfDue(now);
                s.aliveIfDue(now, aliveNanos, nodeId);
            }
        });
        LOG.infof("Ingest node %s: UDP ports %d-%d on %s, advertised as %s", nodeId, config.ports().min(),
                config.ports().max(), config.bindAddress(), config.advertisedAddress());
    }

    /** This node's id. */
    public String nodeId() {
        return nodeId;
    }

    /** Open recordings. */
    public Collection<RecordingSession> sessions() {
        return sessions.values();
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
        int open = sessions.size();
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
        long now = System.nanoTime();
        List<String> unknown = new ArrayList<>();
        for (String id : recordingIds) {
            RecordingSession s = id == null ? null : sessions.get(id);
            if (s != null) {
                s.renewLease(now);
            } else if (id == null || !lingering.containsKey(id)) {
                unknown.add(id);
            }
        }
        return unknown;
    }

    /** Ports that can be handed out now (0 before startup). */
    public int freePorts() {
        PortPool p = ports;
        return p == null ? 0 : p.available();
    }

    /** Ports in the pool. */
    public int totalPorts() {
        return config.ports().max() - config.ports().min() + 1;
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
        return ports != null;
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
                    "node " + nodeId + " is shutting down"));
        }
        RecordingSession existing = sessions.get(request.recordingId());
        if (existing != null) {
            return Future.succeededFuture(allocationOf(existing));
        }
        if (lingering.containsKey(request.recordingId()) || wasReleasedBeforeAllocated(request.recordingId())) {
            return Future.failedFuture(new AllocationException(409, RefusalReason.RECORDING_ENDED.token(),
                    "recording " + request.recordingId() + " has just ended"));
        }
        Promise<Allocation> promise = Promise.promise();
        bind(request, BIND_ATTEMPTS, promise);
        return promise.future();
    }

    private void bind(AllocateRequest request, int attemptsLeft, Promise<Allocation> promise) {
        OptionalInt port = ports.take();
        if (port.isEmpty()) {
            promise.fail(new AllocationException(503, RefusalReason.NO_CAPACITY.token(), "no free UDP port on node " + nodeId));
            return;
        }
        DatagramSocketOptions options = new DatagramSocketOptions();
        config.ports().receiveBufferBytes().ifPresent(options::setReceiveBufferSize);
        DatagramSocket socket = vertx.createDatagramSocket(options);
        socket.listen(port.getAsInt(), config.bindAddress()).onComplete(ar -> {
            if (ar.failed()) {
                ports.giveBack(port.getAsInt());
                socket.close();
                if (attemptsLeft > 1) {
                    bind(request, attemptsLeft - 1, promise);
                } else {
                    RecordingMdc.run(request.recordingId(), () -> LOG.warnf("Recording %s: could not bind a UDP port: %s",
                            request.recordingId(), ar.cause().toString()));
                    promise.fail(new AllocationException(503, RefusalReason.NO_CAPACITY.token(), "could not bind a UDP port"));
                }
                return;
            }
            open(request, socket, port.getAsInt(), promise);
        });
    }

    private void open(AllocateRequest request, DatagramSocket socket, int port, Promise<Allocation> promise) {
        RecordingStarted start = new RecordingStarted(request.recordingId(), request.tenant(),
                nz(request.phoneSessionId()), nz(request.device()), AudioCodec.parse(request.codec()).orElseThrow(),
                nz(request.direction()), normaliseAddress(request.phoneAddress()), nodeId, port,
                System.currentTimeMillis(), request.fields() == null ? Map.of() : request.fields());
        RecordingSession session = new RecordingSession(start, socket, publisher, config.chunk().maxBytes(),
                config.chunk().maxDatagramBytes(), config.chunk().duration().toNanos(),
                hostAddresses.contains(start.phoneAddress()) ? hostAddresses : Set.of(), counters);
        RecordingSession raced = sessions.putIfAbsent(request.recordingId(), session);
        if (raced != null) {
            socket.close();
            ports.release(port);
            promise.complete(allocationOf(raced));
            return;
        }
        if (publisher.backlogBytes() >= config.kafka().publishQueueBytes()
                || publisher.backlog() >= config.kafka().publishQueue()) {
            // Kafka has been away long enough to fill the node's buffer: another node may do better.
            sessions.remove(request.recordingId());
            socket.close();
            ports.release(port);
            promise.fail(new AllocationException(503, RefusalReason.NO_CAPACITY.token(), "Kafka publish buffer full"));
            return;
        }
        publisher.offerControl(session.account(), ChunkCodec.encodeStart(start));
        journal.opened(start);
        socket.handler(session::onPacket);
        started.incrementAndGet();
        RecordingMdc.run(start.recordingId(), () -> LOG.infof("Recording %s allocated: phone %s sends %s to port %d",
                start.recordingId(), start.phoneAddress(), start.codec(), port));
        promise.complete(allocationOf(session));
    }

    /**
     * Ends a recording. Packets still in flight from the phone are accepted for
     * {@code ingest.release-linger} more; then the last chunk and the end record are queued for
     * Kafka (waiting for room if the queue is full), the socket closes and the port rests.
     * Answers at once with the counts so far.
     */
    public Optional<ReleaseResult> release(String recordingId, String reason, Map<String, String> fields) {
        RecordingSession session = sessions.remove(recordingId);
        if (session == null) {
            if (!lingering.containsKey(recordingId)) {
                // control-service gave up on an allocation this node has not made (yet): if its
                // request arrives late, it is refused instead of opening an orphan.
                remember(recordingId);
            }
            return Optional.empty();
        }
        String why = StopReason.orStop(reason);
        Map<String, String> stopFields = fields == null ? Map.of() : fields;
        long linger = config.releaseLinger().toMillis();
        if (linger <= 0) {
            finish(session, why, stopFields);
        } else {
            lingering.put(recordingId, new Closing(session, why, stopFields));
            vertx.setTimer(linger, t -> vertx.executeBlocking(() -> {
                Closing closing = lingering.remove(recordingId);
                if (closing != null) {
                    finish(closing.session(), closing.reason(), closing.fields());
                }
                return null;
            }, false));
        }
        return Optional.of(session.result());
    }

    private void finish(RecordingSession session, String reason, Map<String, String> fields) {
        session.end(reason, fields);
        String id = session.start().recordingId();
        journal.ended(id);
        ended.incrementAndGet();
        RecordingMdc.run(id, () -> LOG.infof("Recording %s ended (%s): %d packets accepted", id, reason,
                session.result().packetsAccepted()));
        session.closeSocket();
        ports.release(session.port());
    }

    /**
     * Takes over the recordings the journal says this node held: binds their UDP ports again
     * and goes on recording them (no second START: storage sees the same recording continue,
     * the time the node was away being a gap in RTP). Their leases start now.
     */
    void recover() {
        for (RecordingStarted start : journal.readOpen(nodeId)) {
            String id = start.recordingId();
            boolean inPool = ports.take(start.mediaPort());
            DatagramSocketOptions options = new DatagramSocketOptions();
            config.ports().receiveBufferBytes().ifPresent(options::setReceiveBufferSize);
            DatagramSocket socket = vertx.createDatagramSocket(options);
            RecordingSession session = new RecordingSession(start, socket, publisher, config.chunk().maxBytes(),
                    config.chunk().maxDatagramBytes(), config.chunk().duration().toNanos(),
                    hostAddresses.contains(start.phoneAddress()) ? hostAddresses : Set.of(), counters);
            try {
                socket.listen(start.mediaPort(), config.bindAddress()).toCompletionStage().toCompletableFuture()
                        .get(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warnf("Recording %s: UDP port %d could not be bound again (%s); ending it with reason %s", id,
                        start.mediaPort(), e.toString(), StopReason.RECOVERY_FAILED.token());
                if (inPool) {
                    ports.release(start.mediaPort());
                }
                socket.close();
                session.end(StopReason.RECOVERY_FAILED.token(), Map.of());
                journal.ended(id);
                continue;
            }
            socket.handler(session::onPacket);
            sessions.put(id, session);
            LOG.infof("Recording %s recovered: phone %s sends to port %d again", id, start.phoneAddress(),
                    start.mediaPort());
        }
    }

    /**
     * SIGTERM: at once no new allocations (503 {@code shutting-down}, readiness down, see
     * {@link #startDrain}; a drain started before by the preStop hook simply goes on); the open
     * recordings go on until they end or {@code ingest.shutdown.drain} passed. Then those still
     * open are handed over (last chunks published, no END, kept in the journal: the next start
     * with this node id continues them) or, with {@code ingest.shutdown.hand-over=false}, ended
     * with reason {@code ingest-shutdown} (in {@link #stop}, before the publisher flushes).
     */
    void drain(@Observes ShutdownDelayInitiatedEvent event) {
        // Quarkus's pre-shutdown phase (quarkus.shutdown.delay-enabled=true): Vert.x, the UDP
        // sockets and the HTTP API still run, which the ShutdownEvent phase does not guarantee.
        startDrain();
        long deadline = System.nanoTime() + config.shutdown().drain().toNanos();
        if (!sessions.isEmpty()) {
            LOG.infof("Shutting down: draining %d open recordings for up to %s", sessions.size(), config.shutdown().drain());
        }
        while ((!sessions.isEmpty() || !lingering.isEmpty()) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
    }

    /** See {@link #drain}: what is still open after it is handed over or ended. */
    void stop(@Observes @Priority(MediaPublisher.SHUTDOWN_ORDER - 10) ShutdownEvent event) {
        draining.set(true);
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
        for (String id : lingering.keySet()) {
            Closing closing = lingering.remove(id);
            if (closing != null) {
                finish(closing.session(), closing.reason(), closing.fields());
            }
        }
        boolean handOver = config.shutdown().handOver() && config.recovery().enabled();
        for (String id : sessions.keySet()) {
            RecordingSession session = sessions.remove(id);
            if (session == null) {
                continue;
            }
            if (handOver) {
                LOG.infof("Recording %s handed over to this node's next start (port %d)", id, session.port());
                session.flush();
                session.closeSocket();
            } else {
                finish(session, StopReason.INGEST_SHUTDOWN.token(), Map.of());
            }
        }
    }

    private Allocation allocationOf(RecordingSession s) {
        return new Allocation(s.start().recordingId(), nodeId, config.advertisedAddress(), s.port());
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
        if (r.phoneAddress() == null || !isIpLiteral(r.phoneAddress())) {
            throw new AllocationException(400, RefusalReason.BAD_REQUEST.token(), "phoneAddress must be an IP address");
        }
    }

    private static final java.util.regex.Pattern IPV4 = java.util.regex.Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

    /** A dotted-quad IPv4 address, or an IPv6 literal (never a name: no DNS lookup here). */
    static boolean isIpLiteral(String s) {
        if (IPV4.matcher(s).matches()) {
            return true;
        }
        if (!s.contains(":") || !s.matches("[0-9A-Fa-f:.]+")) {
            return false;
        }
        try {
            InetAddress.getByName(s); // an IPv6 literal: parsed, never looked up
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String normaliseAddress(String ip) {
        try {
            return InetAddress.getByName(ip).getHostAddress();
        } catch (UnknownHostException e) {
            return ip;
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static Set<String> interfaceAddresses() {
        Set<String> addresses = new java.util.HashSet<>();
        try {
            for (java.net.NetworkInterface nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : java.util.Collections.list(nic.getInetAddresses())) {
                    String text = a.getHostAddress();
                    int zone = text.indexOf('%');
                    addresses.add(zone < 0 ? text : text.substring(0, zone));
                }
            }
        } catch (java.net.SocketException e) {
            LOG.warnf("Could not list this host's addresses: %s", e.toString());
        }
        return Set.copyOf(addresses);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "ingest";
        }
    }
}
