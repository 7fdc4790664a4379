package org.callrec.control.session;

import java.util.function.Supplier;

import org.callrec.control.metrics.ControlMetrics;
import org.jboss.logging.Logger;

import io.vertx.core.Future;
import io.vertx.core.net.NetSocket;

/**
 * One connection's commands, handled strictly one after the other, at most {@code capacity}
 * read but not yet finished. Back-pressure: the socket's reading is paused while the queue is
 * full or while the answers back up ({@link NetSocket#writeQueueFull()}: the peer does not read
 * them), and resumed once both have room again ({@code drainHandler}). So a peer that sends
 * without reading fills its own TCP buffers, not control's heap. Used on the connection's event
 * loop only.
 */
final class CommandQueue {

    private static final Logger LOG = Logger.getLogger(CommandQueue.class);

    private final NetSocket socket;
    private final int capacity;
    private final ControlMetrics metrics;
    private final String phoneAddress;
    private Future<Void> tail = Future.succeededFuture();
    /** Commands queued or being handled (read by the shutdown drain from other threads). */
    private volatile int size;
    private volatile boolean paused;
    private boolean stopped;

    CommandQueue(NetSocket socket, int capacity, ControlMetrics metrics, String phoneAddress) {
        this.socket = socket;
        this.capacity = Math.max(1, capacity);
        this.metrics = metrics;
        this.phoneAddress = phoneAddress;
        socket.drainHandler(v -> updateReading());
    }

    /** Whether {@code n} more commands fit. */
    boolean fits(int n) {
        return size + n <= capacity;
    }

    /** Commands queued or being handled. */
    int size() {
        return size;
    }

    /** The most commands the queue holds. */
    int capacity() {
        return capacity;
    }

    /** Whether reading is paused now. */
    boolean paused() {
        return paused;
    }

    /**
     * Runs {@code step} once every step added before it finished. Steps run even after the
     * connection closed (a stop that came just before the close still ends its recording).
     */
    void add(Supplier<Future<Void>> step) {
        size++;
        tail = tail.transform(ignored -> run(step).recover(e -> {
            LOG.warnf(e, "Phone %s: command handling failed", phoneAddress);
            return Future.succeededFuture();
        }).onComplete(done -> {
            size--;
            updateReading();
        }));
        updateReading();
    }

    private static Future<Void> run(Supplier<Future<Void>> step) {
        try {
            return step.get();
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    /** Runs {@code action} once every step added so far finished. */
    void whenIdle(Runnable action) {
        tail.onComplete(ignored -> action.run());
    }

    /** Pauses or resumes reading after the queue or the socket's write queue changed. */
    void updateReading() {
        boolean full = size >= capacity || socket.writeQueueFull();
        if (full && !paused && !stopped) {
            paused = true;
            socket.pause();
            metrics.readingPaused(true);
        } else if (!full && paused && !stopped) {
            paused = false;
            socket.resume();
            metrics.readingPaused(false);
        }
    }

    /** Reads nothing more, for good (overflow, close). */
    void stopReading() {
        if (!stopped) {
            stopped = true;
            socket.pause();
            if (paused) {
                metrics.readingPaused(false);
                paused = false;
            }
        }
    }
}
