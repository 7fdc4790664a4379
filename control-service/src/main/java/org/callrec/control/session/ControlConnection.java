package org.callrec.control.session;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.callrec.control.admission.Admission;
import org.callrec.control.admission.AdmissionLimit;
import org.callrec.control.allocation.AllocationFailure;
import org.callrec.control.allocation.Placement;
import org.callrec.control.log.BadInputLog;
import org.callrec.control.metrics.ControlMetrics;
import org.callrec.control.tenant.TenantGate;
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
import org.callrec.core.protocol.RefusalReason;
import org.callrec.core.protocol.StartRequest;
import org.callrec.core.protocol.StartRules;
import org.callrec.core.protocol.StopRequest;
import org.callrec.core.protocol.Terminator;
import org.callrec.core.text.LogText;
import org.callrec.logging.RecordingMdc;
import org.jboss.logging.Logger;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.NetSocketInternal;

/**
 * One phone's control connection. Commands are handled strictly one after the other, in the
 * order they arrived ({@link CommandQueue}, bounded, with back-pressure); a connection may open
 * several recordings in sequence (or at once, up to a limit). What a command must carry and how
 * it is answered are the protocol's rules in recorder-core ({@link StartRules},
 * {@link StopRequest}, {@link Answers}); who may connect and how much a source may take is
 * {@link Admission}'s. This class sequences the commands, runs the quiet-period timer of
 * unterminated bytes and the {@link IdleTimer}, and cleans up. When the connection closes or fails, its
 * open recordings end with reason {@code socket-error}, keeping what was recorded — unless the
 * instance is shutting down and its drain is over ({@link ControlSessions}): then the recordings
 * are left to their ingest node's lease.
 */
public final class ControlConnection {

    private static final Logger LOG = Logger.getLogger(ControlConnection.class);
    /** How long an answer-then-close may wait for the answer to leave before the connection is dropped. */
    private static final long ABORT_AFTER_MILLIS = 2_000;

    private final Vertx vertx;
    private final NetSocket socket;
    private final ConnectionServices services;
    private final ControlMetrics metrics;
    private final BadInputLog badInput;
    private final CommandFramer framer;
    private final CommandQueue queue;
    private final String phoneAddress;
    private final IdleTimer idle;
    /** Open recordings by the phone's id. */
    private final Map<String, Placement> open = new LinkedHashMap<>();
    /** The tenant's reserved recording of each open recording, by the phone's id. */
    private final Map<String, TenantGate.Slot> slots = new LinkedHashMap<>();
    private Admission.Source source;
    private long incompleteTimer = -1;
    private boolean closed;
    private boolean overflowed;
    /** Open recordings (read by the shutdown drain). */
    private volatile int openCount;

    public ControlConnection(Vertx vertx, NetSocket socket, ConnectionServices services) {
        this.vertx = vertx;
        this.socket = socket;
        this.services = services;
        this.metrics = services.metrics();
        this.badInput = services.badInput();
        this.framer = new CommandFramer(services.config().protocol().maxCommandBytes());
        this.phoneAddress = socket.remoteAddress().hostAddress();
        this.queue = new CommandQueue(socket, services.config().admission().maxQueuedCommands(), metrics, phoneAddress);
        this.idle = new IdleTimer(vertx, services.config().admission().idleTimeout().toNanos(),
                () -> open.isEmpty() && queue.size() == 0, this::closeIdle);
    }

    /**
     * Admits the connection and wires the socket's handlers — or closes it at once while
     * shutting down, or answers {@code cmd=ErrorResponse&result=failed&reason=<token>} and
     * closes it when a limit refuses it.
     */
    public void start() {
        if (services.sessions().draining()) {
            // A phone connecting now would get a session that ends in seconds: let it go elsewhere.
            socket.close();
            return;
        }
        Admission.Admitted admitted = services.admission().connect(phoneAddress);
        if (!admitted.ok()) {
            AdmissionLimit limit = admitted.refused();
            metrics.admissionRefused(limit);
            badInput.infof(BadInputLog.REFUSED_CONNECTION, "Refused a control connection from %s: %s (limit %s)",
                    phoneAddress, limit.reason().token(), limit.tag());
            // One answer, no terminator (no command to mirror), then the close.
            socket.end(Buffer.buffer(CommandCodec.format(Answers.error(limit.reason().token()))));
            return;
        }
        source = admitted.source();
        services.sessions().add(this);
        metrics.connectionOpened();
        socket.handler(this::onData);
        socket.closeHandler(v -> onClose());
        socket.exceptionHandler(e -> LOG.debugf("Control connection from %s failed: %s", phoneAddress, e.toString()));
        idle.start();
    }

    private void onData(Buffer data) {
        if (overflowed) {
            return;
        }
        idle.touch();
        cancelIncompleteTimer();
        List<Frame> frames;
        try {
            frames = framer.feed(data.getBytes());
        } catch (CommandTooLongException e) {
            badInput.warnf(BadInputLog.BAD_COMMAND, "Phone %s sent a command over %d bytes; closing the connection",
                    phoneAddress, services.config().protocol().maxCommandBytes());
            metrics.command(ControlMetrics.INVALID_COMMAND, RefusalReason.COMMAND_TOO_LONG.token());
            closeAfterAnswer(RefusalReason.COMMAND_TOO_LONG, Terminator.NONE);
            return;
        }
        if (!queue.fits(frames.size())) {
            overflow(frames.get(0).terminator());
            return;
        }
        frames.forEach(f -> queue.add(() -> handle(f)));
        if (framer.hasPending()) {
            // Unterminated bytes: act on them once the peer has been quiet for a moment (briefly
            // when they already form a whole command, longer when they cannot be one yet).
            long quiet = framer.pendingLooksComplete()
                    ? services.config().protocol().unterminatedCommandDelay().toMillis()
                    : services.config().protocol().incompleteCommandTimeout().toMillis();
            incompleteTimer = vertx.setTimer(Math.max(1, quiet), id -> {
                incompleteTimer = -1;
                framer.flushPending().ifPresent(this::enqueueOne);
            });
        }
    }

    private void enqueueOne(Frame frame) {
        if (overflowed) {
            return;
        }
        if (!queue.fits(1)) {
            overflow(frame.terminator());
            return;
        }
        queue.add(() -> handle(frame));
    }

    /** One read brought more commands than the queue holds: answer once and close, reading nothing more. */
    private void overflow(Terminator terminator) {
        overflowed = true;
        metrics.admissionRefused(AdmissionLimit.COMMAND_QUEUE);
        metrics.command(ControlMetrics.INVALID_COMMAND, RefusalReason.TOO_MANY_COMMANDS.token());
        badInput.warnf(BadInputLog.BAD_COMMAND, "Phone %s sent more commands at once than its queue holds (%d); closing the connection",
                phoneAddress, queue.capacity());
        closeAfterAnswer(RefusalReason.TOO_MANY_COMMANDS, terminator);
    }

    /** After the commands already queued: answers {@code cmd=ErrorResponse&…&reason=<reason>} and closes. */
    private void closeAfterAnswer(RefusalReason reason, Terminator terminator) {
        queue.stopReading();
        queue.add(() -> {
            if (closed) {
                return Future.succeededFuture();
            }
            socket.end(Buffer.buffer(CommandCodec.format(Answers.error(reason.token())) + terminator.text()));
            // a peer that reads nothing would hold the graceful close (it waits for the answers to leave)
            vertx.setTimer(ABORT_AFTER_MILLIS, id -> abort());
            return Future.succeededFuture();
        });
    }

    /**
     * Closes the connection at once, dropping answers not yet sent: Vert.x's {@code close()}
     * first waits for every queued write to leave, which a peer that never reads never allows.
     */
    private void abort() {
        if (closed) {
            return;
        }
        if (socket instanceof NetSocketInternal internal) {
            // from Vert.x's own handler context: the close skips Vert.x's graceful one and goes out now
            internal.channelHandlerContext().close();
        } else {
            socket.close();
        }
    }

    /** Open recordings and commands not yet finished on this connection. */
    int busy() {
        return queue.size() + openCount;
    }

    /** Commands queued or being handled on this connection, and the most it may hold. */
    int queuedCommands() {
        return queue.size();
    }

    /** Whether this connection's reading is paused (full queue, answers backing up). */
    boolean readingPaused() {
        return queue.paused();
    }

    private Future<Void> handle(Frame frame) {
        Command command;
        try {
            command = CommandCodec.parse(frame.text());
        } catch (CommandSyntaxException e) {
            badInput.infof(BadInputLog.BAD_COMMAND, "Phone %s sent an unparsable command (%s)", phoneAddress,
                    LogText.escape(e.getMessage()));
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
        badInput.infof(BadInputLog.BAD_COMMAND, "Phone %s sent unknown command %s", phoneAddress,
                LogText.escape(command.name()));
        metrics.command(ControlMetrics.OTHER_COMMAND, RefusalReason.UNKNOWN_COMMAND.token());
        return reply(Answers.unknownCommand(command), frame.terminator());
    }

    private Future<Void> start(Command command, Terminator terminator) {
        StartRules.Result checked = services.startRules().check(command);
        if (checked instanceof StartRules.Refused refused) {
            badInput.infof(BadInputLog.REFUSED_START, "Phone %s: start %s refused (%s): %s", phoneAddress,
                    LogText.escape(refused.phoneId()), refused.reason(), LogText.escape(refused.detail()));
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
        if (services.sessions().draining()) {
            return refuse(phoneId, RefusalReason.SHUTTING_DOWN.token(), terminator);
        }
        TenantGate.Outcome outcome = services.tenants().resolve(start.device(), phoneAddress);
        if (outcome instanceof TenantGate.Refused refused) {
            refusedByTenant(phoneId, start.device(), refused);
            return refuse(phoneId, refused.reason().token(), terminator);
        }
        TenantGate.Admitted tenant = (TenantGate.Admitted) outcome;
        AdmissionLimit limit = open.size() >= services.config().protocol().maxOpenRecordingsPerConnection()
                ? AdmissionLimit.CONNECTION_RECORDINGS : services.admission().startRecording(source);
        if (limit != null) {
            metrics.admissionRefused(limit);
            badInput.infof(BadInputLog.REFUSED_START, "Phone %s: start %s refused (%s, limit %s)", phoneAddress,
                    LogText.escape(phoneId), limit.reason().token(), limit.tag());
            return refuse(phoneId, limit.reason().token(), terminator);
        }
        TenantGate.Slot slot = services.tenants().reserve(tenant);
        if (slot == null) {
            // the start took its token (like one that failed on the nodes), not the source's recording
            services.admission().recordingEnded(source, 1);
            badInput.infof(BadInputLog.REFUSED_START, "Phone %s: start %s refused (quota-exceeded: tenant %s holds its %d"
                    + " concurrent recordings)", phoneAddress, LogText.escape(phoneId), LogText.escape(tenant.tenant()),
                    tenant.limit());
            return refuse(phoneId, RefusalReason.QUOTA_EXCEEDED.token(), terminator);
        }
        // From here one of the source's and one of the tenant's recordings are reserved: given
        // back when it ends or never opens.
        AllocateRequest request = new AllocateRequest(RecordingIds.next(), tenant.tenant(), phoneId,
                start.device(), start.codec().name(), start.direction(), phoneAddress, start.fields(),
                tenant.placement(), tenant.maxSeconds());
        return services.ingest().allocate(request).transform(ar -> {
            if (ar.failed()) {
                services.admission().recordingEnded(source, 1);
                slot.release();
                String reason = ar.cause() instanceof AllocationFailure f ? f.reason() : RefusalReason.INTERNAL_ERROR.token();
                RecordingMdc.run(request.recordingId(), () -> LOG.warnf("Phone %s: start %s failed: %s", phoneAddress,
                        LogText.escape(phoneId), ar.cause().getMessage()));
                return refuse(phoneId, reason, terminator);
            }
            Placement placement = ar.result();
            if (closed) {
                // The phone left while we were allocating and never got the endpoint: end it
                // right away, as a recording that never was (storage keeps nothing if it is empty).
                services.admission().recordingEnded(source, 1);
                slot.release();
                metrics.command(Command.START_REQUEST, ControlMetrics.CONNECTION_CLOSED);
                return services.ingest().release(placement,
                        new ReleaseRequest(StopReason.ALLOCATION_ABANDONED.token(), Map.of()));
            }
            open.put(phoneId, placement);
            slots.put(phoneId, slot);
            openCount = open.size();
            services.leases().hold(placement);
            metrics.recordingOpened();
            metrics.command(Command.START_REQUEST, ControlMetrics.SUCCESS);
            RecordingMdc.run(placement.recordingId(), () -> LOG.infof(
                    "Recording %s started: phone %s id=%s tenant %s %s → %s:%d", placement.recordingId(), phoneAddress,
                    LogText.escape(phoneId), LogText.escape(tenant.tenant()), start.codec(), placement.allocation().address(),
                    placement.allocation().port()));
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
        services.leases().drop(placement);
        services.admission().recordingEnded(source, 1);
        slots.remove(stop.phoneId()).release();
        metrics.recordingsClosed(1);
        // the idle timeout counts from the end of the last recording
        idle.touch();
        return services.ingest().release(placement, new ReleaseRequest(stop.reason(), stop.fields()))
                .compose(v -> {
                    metrics.command(Command.STOP_REQUEST, ControlMetrics.SUCCESS);
                    RecordingMdc.run(placement.recordingId(), () -> LOG.infof(
                            "Recording %s stopped by phone %s (reason %s)", placement.recordingId(), phoneAddress,
                            LogText.escape(stop.reason())));
                    return reply(Answers.stopSucceeded(stop.phoneId()), terminator);
                });
    }

    /** The idle timeout ran out on a connection with no recording and no command in hand. */
    private void closeIdle() {
        metrics.idleClosed();
        LOG.debugf("Closing the control connection from %s: idle with no recording", phoneAddress);
        abort();
    }

    private void onClose() {
        closed = true;
        queue.stopReading();
        metrics.connectionClosed();
        services.admission().disconnect(source);
        cancelIncompleteTimer();
        idle.stop();
        // A last command without terminator, sent right before the close, is still a command —
        // if it is whole (a peer that terminates its commands left a truncated one: ignored).
        if (!overflowed && framer.pendingLooksComplete()) {
            framer.flushPending().ifPresent(f -> queue.add(() -> handle(f)));
        }
        // Let in-flight commands finish (an allocation in flight is released when it lands).
        queue.whenIdle(() -> {
            boolean leave = services.sessions().leavingOpen();
            List<Future<Void>> releases = new ArrayList<>();
            for (Placement placement : open.values()) {
                services.leases().drop(placement);
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
                releases.add(services.ingest().release(placement,
                        new ReleaseRequest(StopReason.SOCKET_ERROR.token(), Map.of())));
            }
            metrics.recordingsClosed(open.size());
            services.admission().recordingEnded(source, open.size());
            slots.values().forEach(TenantGate.Slot::release);
            slots.clear();
            open.clear();
            // Counted as busy (a shutdown drain waits) until the releases are done.
            Future.join(releases).onComplete(done -> {
                openCount = 0;
                services.sessions().remove(this);
            });
        });
    }

    /** Logs a start the tenant resolution refused; a possible clone at WARN, in a category of its own. */
    private void refusedByTenant(String phoneId, String device, TenantGate.Refused refused) {
        if (refused.possibleClone()) {
            badInput.warnf(BadInputLog.POSSIBLE_CLONE, "Phone %s: possible cloning: device %s of tenant %s started %s"
                    + " from outside the tenant's networks; refused %s", phoneAddress, LogText.escape(device),
                    LogText.escape(refused.tenant()), LogText.escape(phoneId), refused.reason().token());
            return;
        }
        badInput.infof(BadInputLog.REFUSED_START, "Phone %s: start %s of device %s refused (%s): %s", phoneAddress,
                LogText.escape(phoneId), LogText.escape(device), refused.reason().token(),
                LogText.escape(refused.detail()));
    }

    private static Command startSucceeded(String phoneId, Placement placement) {
        return Answers.startSucceeded(phoneId, placement.allocation().address(), placement.allocation().port());
    }

    /** Answers a refused start and counts it. */
    private Future<Void> refuse(String phoneId, String reason, Terminator terminator) {
        metrics.command(Command.START_REQUEST, reason);
        return reply(Answers.startFailed(phoneId, reason), terminator);
    }

    /**
     * Writes an answer without waiting for it to leave: a peer that does not read makes the
     * write queue full, which pauses reading ({@link CommandQueue}), so answers never pile up.
     */
    private Future<Void> reply(Command command, Terminator terminator) {
        if (closed) {
            return Future.succeededFuture();
        }
        socket.write(CommandCodec.format(command) + terminator.text());
        queue.updateReading();
        return Future.succeededFuture();
    }

    private void cancelIncompleteTimer() {
        if (incompleteTimer >= 0) {
            vertx.cancelTimer(incompleteTimer);
            incompleteTimer = -1;
        }
    }
}
