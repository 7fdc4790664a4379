package org.callrec.ingest.allocation;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Set;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.callrec.core.protocol.RefusalReason;
import org.callrec.core.chunk.RecordingStarted;
import org.callrec.ingest.config.IngestConfig;
import org.callrec.ingest.kafka.MediaPublisher;
import org.callrec.ingest.media.MediaSocket;
import org.callrec.ingest.media.PacketCounters;
import org.callrec.ingest.media.RecordingSession;
import org.callrec.logging.RecordingMdc;
import org.jboss.logging.Logger;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * The node's UDP media sockets: the port pool ({@code ingest.ports.*}), binding a free port for a
 * new recording or the journal's port again for a recovered one, and the one factory of the
 * {@link RecordingSession} that reads a socket. An ended recording's socket {@link #rest rests}
 * with its port in quarantine (what still arrives is counted {@code after-release}) and is closed
 * when the quarantine is over ({@link #closeRested}, on the {@link LeaseTicker}'s tick).
 *
 * <p>It also {@link #drain drains} a socket before its recording ends: it sends a marker datagram
 * of 16 random bytes from a socket of its own to the recording's port; a UDP socket's queue is
 * first in, first out, so when the session reads the marker it has read every datagram that was
 * queued before it.
 */
@ApplicationScoped
public class MediaSockets {

    private static final Logger LOG = Logger.getLogger(MediaSockets.class);
    private static final int BIND_ATTEMPTS = 5;
    private static final long REBIND_TIMEOUT_SECONDS = 5;

    /** A socket bound to a port of the pool. */
    record Bound(MediaSocket socket, int port) {
    }

    /**
     * A recovered recording's session, and why its port could not be bound again (null: bound;
     * otherwise the session has no socket and can only be ended).
     */
    record Rebound(RecordingSession session, Exception failure) {
    }

    @Inject
    IngestConfig config;
    @Inject
    Vertx vertx;
    @Inject
    MediaPublisher publisher;
    @Inject
    PacketCounters counters;
    @Inject
    ThisHost host;

    private static final int MARKER_BYTES = 16;

    private volatile PortPool ports;
    /** Ended recordings whose socket rests in quarantine, by port. */
    private final Map<Integer, RecordingSession> resting = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    /** Sends the drain markers (a plain socket: a send to a local port takes microseconds). */
    private java.net.DatagramSocket markerSocket;
    private InetAddress markerTarget;

    /** Sets up the port pool (node startup). */
    void start() {
        ports = new PortPool(config.ports().min(), config.ports().max(), config.ports().quarantine().toNanos(),
                System::nanoTime);
        try {
            InetAddress bind = InetAddress.getByName(config.bindAddress());
            markerTarget = bind.isAnyLocalAddress()
                    ? InetAddress.getByName(bind instanceof java.net.Inet6Address ? "::1" : "127.0.0.1")
                    : bind;
            markerSocket = new java.net.DatagramSocket(new InetSocketAddress(
                    bind.isAnyLocalAddress() ? markerTarget : bind, 0));
        } catch (IOException e) {
            LOG.warnf("No socket for the release drain (%s): recordings end after the linger without it", e.toString());
        }
    }

    /** Whether the port pool is set up (startup done). */
    boolean started() {
        return ports != null;
    }

    /** Ports that can be handed out now (0 before startup). */
    int freePorts() {
        PortPool p = ports;
        return p == null ? 0 : p.available();
    }

    /**
     * The transport the media sockets read through: {@code epoll} (Netty's native transport,
     * {@code quarkus.vertx.prefer-native-transport}) or {@code nio} where it did not load.
     */
    String transport() {
        return vertx.isNativeTransportEnabled() ? "epoll" : "nio";
    }

    /** Ports in the pool. */
    int totalPorts() {
        return config.ports().max() - config.ports().min() + 1;
    }

    /**
     * The session that records {@code start} from {@code socket}: the one place that sizes a
     * recording's chunks and knows where its packets may come from. It reads nothing until
     * {@link RecordingSession#listen()}.
     */
    RecordingSession session(RecordingStarted start, MediaSocket socket) {
        InetAddress phone = ThisHost.ipLiteral(start.phoneAddress());
        return new RecordingSession(start, phone, socket, publisher, config.chunk().maxBytes(),
                config.chunk().maxDatagramBytes(), config.chunk().duration().toNanos(),
                host.sameHostSources(phone), counters, config.recording().relatchAfter().toNanos());
    }

    /**
     * Binds a free port of the pool for recording {@code recordingId}, trying another port when
     * one cannot be bound (up to {@value #BIND_ATTEMPTS} times). Fails with an
     * {@link AllocationException} (503 {@code no-capacity}).
     */
    Future<Bound> bindFree(String recordingId) {
        Promise<Bound> promise = Promise.promise();
        bindFree(recordingId, BIND_ATTEMPTS, promise);
        return promise.future();
    }

    private void bindFree(String recordingId, int attemptsLeft, Promise<Bound> promise) {
        OptionalInt port = ports.take();
        if (port.isEmpty()) {
            promise.fail(new AllocationException(503, RefusalReason.NO_CAPACITY.token(),
                    "no free UDP port on node " + host.nodeId()));
            return;
        }
        bind(port.getAsInt()).onComplete(ar -> {
            if (ar.succeeded()) {
                promise.complete(new Bound(ar.result(), port.getAsInt()));
                return;
            }
            ports.giveBack(port.getAsInt());
            if (attemptsLeft > 1) {
                bindFree(recordingId, attemptsLeft - 1, promise);
            } else {
                RecordingMdc.run(recordingId, () -> LOG.warnf("Recording %s: could not bind a UDP port: %s",
                        recordingId, ar.cause().toString()));
                promise.fail(new AllocationException(503, RefusalReason.NO_CAPACITY.token(), "could not bind a UDP port"));
            }
        });
    }

    /**
     * A recording the journal says this node held, its session on the journal's port bound
     * again, blocking up to {@value #REBIND_TIMEOUT_SECONDS} s (node startup, before the HTTP API
     * serves); or, when that port cannot be bound, the session (its socket closed, the port given
     * back) with the cause.
     */
    Rebound bindAgain(RecordingStarted start) {
        boolean inPool = ports.take(start.mediaPort());
        Future<MediaSocket> bound = bind(start.mediaPort());
        try {
            MediaSocket socket = bound.toCompletionStage().toCompletableFuture().get(REBIND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return new Rebound(session(start, socket), null);
        } catch (Exception e) {
            bound.onSuccess(MediaSocket::close); // bound after all, too late
            if (inPool) {
                ports.release(start.mediaPort());
            }
            return new Rebound(session(start, null), e);
        }
    }

    /**
     * Reads what is queued on the recording's socket: sends the marker and completes with true
     * when the session read it, false after {@code ingest.release-drain-timeout} (or when no
     * marker could be sent). Blocking for microseconds (a local send): call it off the event loop.
     */
    Future<Boolean> drain(RecordingSession session) {
        byte[] marker = new byte[MARKER_BYTES];
        random.nextBytes(marker);
        Future<Boolean> drained = session.drainUntil(marker);
        java.net.DatagramSocket s = markerSocket;
        if (s == null) {
            session.drainTimedOut();
            return drained;
        }
        long timer = vertx.setTimer(Math.max(1, config.releaseDrainTimeout().toMillis()), t -> session.drainTimedOut());
        drained.onComplete(ar -> vertx.cancelTimer(timer));
        try {
            synchronized (s) {
                s.send(new java.net.DatagramPacket(marker, marker.length, markerTarget, session.port()));
            }
        } catch (IOException e) {
            session.drainTimedOut();
        }
        return drained;
    }

    /** The recording ended: its socket rests with the port in quarantine, counting what still arrives. */
    void rest(RecordingSession session) {
        session.rest();
        resting.put(session.port(), session);
        ports.rest(session.port());
    }

    /** Closes the sockets whose quarantine is over; their ports are free once closed. */
    void closeRested() {
        PortPool p = ports;
        if (p == null) {
            return;
        }
        for (int port : p.pollRested()) {
            RecordingSession s = resting.remove(port);
            if (s == null) {
                p.closed(port);
            } else {
                s.closeSocket().onComplete(ar -> p.closed(port));
            }
        }
    }

    /** Closes every resting socket (node stop). */
    void closeAllResting() {
        for (Integer port : Set.copyOf(resting.keySet())) {
            RecordingSession s = resting.remove(port);
            if (s != null) {
                s.closeSocket();
            }
        }
        java.net.DatagramSocket s = markerSocket;
        if (s != null) {
            s.close();
        }
    }

    /** Ports resting in quarantine. */
    int restingPorts() {
        PortPool p = ports;
        return p == null ? 0 : p.resting();
    }

    /** Closes the recording's socket at once and puts its port into quarantine (a recording that never started, a hand-over). */
    void close(RecordingSession session) {
        session.closeSocket();
        ports.release(session.port());
    }

    private Future<MediaSocket> bind(int port) {
        return MediaSocket.bind(vertx, config.bindAddress(), port, config.ports().receiveBufferBytes(),
                config.chunk().maxDatagramBytes());
    }
}
