package org.callrec.control.session;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.callrec.control.allocation.AllocationFailure;
import org.callrec.control.allocation.IngestAllocator;
import org.callrec.control.allocation.Placement;
import org.callrec.control.config.ControlConfig;
import org.callrec.control.lease.LeaseRenewer;
import org.callrec.logging.RecordingMdc;
import org.callrec.control.metrics.ControlMetrics;
import org.callrec.core.allocation.AllocateRequest;
import org.callrec.core.allocation.ReleaseRequest;
import org.callrec.core.chunk.StopReason;
import org.callrec.core.id.RecordingIds;
import org.callrec.core.protocol.Answers;
import org.callrec.core.protocol.Command;
import org.callrec.core.protocol.CommandCodec;
import org.callrec.core.protocol.CommandFramer;
import org.callrec.core.protocol.CommandSyntaxException;
import org.callrec.core.protocol.CommandTooLongException;
import org.callrec.core.protocol.Frame;
import org.callrec.core.protocol.StartRequest;
import org.callrec.core.protocol.StartRules;
import org.callrec.core.protocol.StopRequest;
import org.callrec.core.protocol.RefusalReason;
import org.callrec.core.protocol.Terminator;
import org.jboss.logging.Logger;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

/**
 * One phone's control connection. Commands are handled strictly one after the other, in the
 * order they arrived; a connection may open several recordings in sequence (or at once, up to
 * a limit). What a command must carry and how it is answered are the protocol's rules in
 * recorder-core ({@link StartRules}, {@link StopRequest}, {@link Answers}); this class
 * sequences the commands, runs the quiet-period timer of unterminated bytes and cleans up. When the connection closes or fails, its open recordings end with reason
 * {@code socket-error}, keeping what was recorded — unless the instance is shutting down and
 * its drain is over ({@link ControlSessions}): then the recordings are left to their ingest
 * node's lease.
 */
public final class ControlConnection {

    private static final Logger LOG = Logger.getLogger(ControlConnection.class);

    private final Vertx vertx;
    private final NetSocket socket;
    private final ControlConfig config;
    private final IngestAllocator ingest;
    private final LeaseRenewer leases;
    private final ControlSessions sessions;
    private final StartRules startRules;
    private final ControlMetrics metrics;
    private final CommandFramer framer;
    private final String phoneAddress;
    /** Open recordings by the phone's id. */
    private final Map<String, Placement> open = new LinkedHashMap<>();
    private Future<Void> tail = Future.succeededFuture();
    private long incompleteTimer = -1;
    private boolean closed;
    /** Commands queued or being handled, plus open recordings (read by the shutdown drain). */
    private volatile int steps;
    private volatile int openCount;

    public ControlConnection(Vertx vertx, NetSocket socket, ControlConfig config, IngestAllocator ingest,
                             LeaseRenewer leases, ControlSessions sessions, StartRules startRules,
                             ControlMetrics metrics) {
        this.vertx = vertx;
        this.socket = socket;
        this.config = config;
        this.ingest = ingest;
        this.leases = leases;
        this.sessions = sessions;
        this.startRules = startRules;
        this.metrics = metrics;
        this.framer = new CommandFramer(config.protocol().maxCommandBytes());
        this.phoneAddress = socket.remoteAddress().hostAddress();
    }

    /** Wires the socket's handlers (or closes the connection at once while shutting down). */
    public void start() {
        if (sessions.draining()) {
            // A phone connecting now would get a session that ends in seconds: let it go elsewhere.
            socket.close();
            return;
        }
        sessions.add(this);
        metrics.connectionOpened();
        socket.handler(this::onData);
        socket.closeHandler(v -> onClose());
        socket.exceptionHandler(e -> LOG.debugf("Control connection from %s failed: %s", phoneAddress, e.toString()));
    }

    private void onData(Buffer data) {
        cancelIncompleteTimer();
        List<Frame> frames;
        try {
            frames = framer.feed(data.getBytes());
        } catch (CommandTooLongException e) {
            LOG.warnf("Phone %s sent a command over %d bytes; closing the connection", phoneAddress,
                    config.protocol().maxCommandBytes());
            metrics.command(ControlMetrics.INVALID_COMMAND, RefusalReason.COMMAND_TOO_LONG.token());
            enqueue(() -> reply(Answers.error(RefusalReason.COMMAND_TOO_LONG.token()), Terminator.NONE).compose(v -> socket.close()));
            return;
        }
        frames.forEach(f -> enqueue(() -> handle(f)));
        if (framer.hasPending()) {
            // Unterminated bytes: act on them once the peer has been quiet for a moment (briefly
            // when they already form a whole command, longer when they cannot be one yet).
            long quiet = framer.pendingLooksComplete() ? config.protocol().unterminatedCommandDelay().toMillis()
                    : config.protocol().incompleteCommandTimeout().toMillis();
            incompleteTimer = vertx.setTimer(Math.max(1, quiet), id -> {
                incompleteTimer = -1;
                framer.flushPending().ifPresent(f -> enqueue(() -> handle(f)));
            });
        }
    }

    /** Open recordings and commands not yet finished on this connection. */
    int busy() {
        return steps + openCount;
    }

    private void enqueue(Supplier<Future<Void>> step) {
        // Steps run even after the connection closed (a stop that came just before the close
        // still ends its recording with the phone's reason); replies are then not written.
        steps++;
        tail = tail.transform(ignored -> step.get().recover(e -> {
            LOG.warnf(e, "Phone %s: command handling failed", phoneAddress);
            return Future.succeededFuture();
        }).onComplete(done -> steps--));
    }

    private Future<Void> handle(Frame frame) {
        Command command;
        try {
            command = CommandCodec.parse(frame.text());
        } catch (CommandSyntaxException e) {
            LOG.infof("Phone %s sent an unparsable command (%s)", phoneAddress, e.getMessage());
            metrics.command(ControlMetrics.INVALID_COMMAND, RefusalReason.BAD_REQUEST.token());
            return reply(Answers.error(RefusalReason.BAD_REQUEST.token()), frame.terminator());
        }
        if (command.is(Command.STOP_REQUEST)) {
            return stop(command, frame.terminator());
        }
        if (closed) {
            // Nobody is left to answer: after a close only stops are carried out.
            return Future.succeededFuture();
        }
        if (command.is(Command.START_REQUEST)) {
            return start(command, frame.terminator());
        }
        LOG.infof("Phone %s sent unknown command %s", phoneAddress, command.name());
        metrics.command(ControlMetrics.OTHER_COMMAND, RefusalReason.UNKNOWN_COMMAND.token());
        return reply(Answers.unknownCommand(command), frame.terminator());
    }

    private Future<Void> start(Command command, Terminator terminator) {
        StartRules.Result checked = startRules.check(command);
        if (checked instanceof StartRules.Refused refused) {
            LOG.infof("Phone %s: start %s refused (%s): %s", phoneAddress, refused.phoneId(), refused.reason(),
                    refused.detail());
            return refuse(refused.phoneId(), refused.reason(), terminator);
        }
        StartRequest start = ((StartRules.Valid) checked).request();
        String phoneId = start.phoneId();
        Placement existing = open.get(phoneId);
        if (existing != null) {
            // The phone repeated its start (lost answer?): same recording, same endpoint.
            metrics.command(Command.START_REQUEST, ControlMetrics.SUCCESS);
            return reply(startSucceeded(phoneId, existing), terminator);
        }
        if (sessions.draining()) {
            return refuse(phoneId, RefusalReason.SHUTTING_DOWN.token(), terminator);
        }
        if (open.size() >= config.protocol().maxOpenRecordingsPerConnection()) {
            return refuse(phoneId, RefusalReason.TOO_MANY_RECORDINGS.token(), terminator);
        }
        AllocateRequest request = new AllocateRequest(RecordingIds.next(), config.defaultTenant(), phoneId,
                start.device(), start.codec().name(), start.direction(), phoneAddress, start.fields());
        return ingest.allocate(request).transform(ar -> {
            if (ar.failed()) {
                String reason = ar.cause() instanceof AllocationFailure f ? f.reason() : RefusalReason.INTERNAL_ERROR.token();
                RecordingMdc.run(request.recordingId(), () -> LOG.warnf("Phone %s: start %s failed: %s", phoneAddress,
                        phoneId, ar.cause().getMessage()));
                return refuse(phoneId, reason, terminator);
            }
            Placement placement = ar.result();
            if (closed) {
                // The phone left while we were allocating and never got the endpoint: end it
                // right away, as a recording that never was (storage keeps nothing if it is empty).
                metrics.command(Command.START_REQUEST, ControlMetrics.CONNECTION_CLOSED);
                return ingest.release(placement, new ReleaseRequest(StopReason.ALLOCATION_ABANDONED.token(), Map.of()));
            }
            open.put(phoneId, placement);
            openCount = open.size();
            leases.hold(placement);
            metrics.recordingOpened();
            metrics.command(Command.START_REQUEST, ControlMetrics.SUCCESS);
            RecordingMdc.run(placement.recordingId(), () -> LOG.infof(
                    "Recording %s started: phone %s id=%s %s → %s:%d", placement.recordingId(), phoneAddress,
                    phoneId, start.codec(), placement.allocation().address(), placement.allocation().port()));
            return reply(startSucceeded(phoneId, placement), terminator);
        });
    }

    private Future<Void> stop(Command command, Terminator terminator) {
        StopRequest stop = StopRequest.of(command);
        Placement placement = open.remove(stop.phoneId());
        openCount = open.size();
        if (placement == null) {
            metrics.command(Command.STOP_REQUEST, RefusalReason.UNKNOWN_RECORDING.token());
            return reply(Answers.stopFailed(stop.phoneId(), RefusalReason.UNKNOWN_RECORDING.token()), terminator);
        }
        leases.drop(placement);
        metrics.recordingsClosed(1);
        return ingest.release(placement, new ReleaseRequest(stop.reason(), stop.fields()))
                .compose(v -> {
                    metrics.command(Command.STOP_REQUEST, ControlMetrics.SUCCESS);
                    RecordingMdc.run(placement.recordingId(), () -> LOG.infof(
                            "Recording %s stopped by phone %s (reason %s)", placement.recordingId(), phoneAddress,
                            stop.reason()));
                    return reply(Answers.stopSucceeded(stop.phoneId()), terminator);
                });
    }

    private void onClose() {
        closed = true;
        metrics.connectionClosed();
        cancelIncompleteTimer();
        // A last command without terminator, sent right before the close, is still a command —
        // if it is whole (a peer that terminates its commands left a truncated one: ignored).
        if (framer.pendingLooksComplete()) {
            framer.flushPending().ifPresent(f -> enqueue(() -> handle(f)));
        }
        // Let in-flight commands finish (an allocation in flight is released when it lands).
        tail.onComplete(ignored -> {
            boolean leave = sessions.leavingOpen();
            List<Future<Void>> releases = new ArrayList<>();
            for (Placement placement : open.values()) {
                leases.drop(placement);
                if (leave) {
                    // Shutting down: the phone may still stream; its ingest node records until
                    // the lease lapses (control-lost) rather than losing what is still sent.
                    RecordingMdc.run(placement.recordingId(), () -> LOG.infof(
                            "Recording %s left to ingest node %s: this instance is shutting down",
                            placement.recordingId(), placement.nodeUrl()));
                    continue;
                }
                RecordingMdc.run(placement.recordingId(), () -> LOG.infof(
                        "Recording %s ended: control connection from %s closed", placement.recordingId(),
                        phoneAddress));
                releases.add(ingest.release(placement, new ReleaseRequest(StopReason.SOCKET_ERROR.token(), Map.of())));
            }
            metrics.recordingsClosed(open.size());
            open.clear();
            // Counted as busy (a shutdown drain waits) until the releases are done.
            Future.join(releases).onComplete(done -> {
                openCount = 0;
                sessions.remove(this);
            });
        });
    }

    private static Command startSucceeded(String phoneId, Placement placement) {
        return Answers.startSucceeded(phoneId, placement.allocation().address(), placement.allocation().port());
    }

    /** Answers a refused start and counts it. */
    private Future<Void> refuse(String phoneId, String reason, Terminator terminator) {
        metrics.command(Command.START_REQUEST, reason);
        return reply(Answers.startFailed(phoneId, reason), terminator);
    }

    private Future<Void> reply(Command command, Terminator terminator) {
        if (closed) {
            return Future.succeededFuture();
        }
        return socket.write(CommandCodec.format(command) + terminator.text());
    }

    private void cancelIncompleteTimer() {
        if (incompleteTimer >= 0) {
            vertx.cancelTimer(incompleteTimer);
            incompleteTimer = -1;
        }
    }
}
