package org.callrec.control.session;

import java.util.function.BooleanSupplier;

import io.vertx.core.Vertx;

/**
 * A connection's idle timeout ({@code control.admission.idle-timeout}): once nothing was read for
 * the timeout and {@code mayClose} agrees (the connection holds no recording and has no command
 * in hand), {@code close} runs. One timer per connection, re-armed for the time still to wait;
 * reads only note the time. Used on the connection's event loop; a timeout of 0 turns it off.
 */
final class IdleTimer {

    private final Vertx vertx;
    private final long timeoutNanos;
    private final BooleanSupplier mayClose;
    private final Runnable close;
    private long lastActivity = System.nanoTime();
    private long timer = -1;
    private boolean stopped;

    IdleTimer(Vertx vertx, long timeoutNanos, BooleanSupplier mayClose, Runnable close) {
        this.vertx = vertx;
        this.timeoutNanos = timeoutNanos;
        this.mayClose = mayClose;
        this.close = close;
    }

    /** Starts counting. */
    void start() {
        arm(timeoutNanos);
    }

    /** Something was read (or the last recording ended): the quiet time starts again. */
    void touch() {
        lastActivity = System.nanoTime();
    }

    /** The connection closed. */
    void stop() {
        stopped = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    private void arm(long delayNanos) {
        if (timeoutNanos <= 0 || stopped) {
            return;
        }
        timer = vertx.setTimer(Math.max(1, delayNanos / 1_000_000), id -> {
            timer = -1;
            if (stopped) {
                return;
            }
            long quietFor = System.nanoTime() - lastActivity;
            if (quietFor >= timeoutNanos && mayClose.getAsBoolean()) {
                stopped = true;
                close.run();
                return;
            }
            // busy (a recording, a command in hand): look again one timeout later
            arm(quietFor >= timeoutNanos ? timeoutNanos : timeoutNanos - quietFor);
        });
    }
}
