package org.callrec.core.health;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The last answer of a remote check (is the broker reachable, does the bucket exist), cached so
 * that a health probe never waits for the network: {@link #current()} returns at once with the
 * latest result, and starts a new check in the background when that result is older than the
 * time to live. At most one check runs at a time. A check that has not answered within the
 * timeout makes the probe report DOWN until it does.
 *
 * <p>Framework-free; thread-safe.
 */
public final class CachedProbe {

    /**
     * One result.
     *
     * @param up     whether the check succeeded
     * @param detail what the check said (success) or why it failed
     */
    public record Result(boolean up, String detail) {
    }

    /** A check's way to fail with a reason of its own, reported as it is (no exception class name). */
    public static final class Failed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Failed(String reason) {
            super(reason, null, false, false);
        }
    }

    private final long ttlNanos;
    private final long timeoutNanos;
    private final Supplier<CompletionStage<String>> check;
    private final LongSupplier clock;

    private Result last = new Result(false, "not checked yet");
    private long lastAt;
    private boolean checked;
    private boolean running;
    private long runningSince;

    /**
     * @param ttl     how long a result is reused before the next check starts
     * @param timeout how long a running check may take before the probe reports DOWN
     * @param check   starts one check, never blocking the caller: completes with a detail on
     *                success, exceptionally on failure
     * @param clock   monotonic nanoseconds ({@code System::nanoTime})
     */
    public CachedProbe(Duration ttl, Duration timeout, Supplier<CompletionStage<String>> check, LongSupplier clock) {
        this.ttlNanos = ttl.toNanos();
        this.timeoutNanos = timeout.toNanos();
        this.check = check;
        this.clock = clock;
    }

    /** The latest result; starts a check when none is running and the result is stale. Never blocks. */
    public Result current() {
        long now = clock.getAsLong();
        boolean start;
        synchronized (this) {
            start = !running && (!checked || now - lastAt >= ttlNanos);
            if (start) {
                running = true;
                runningSince = now;
            }
        }
        if (start) {
            startCheck();
        }
        synchronized (this) {
            if (running && now - runningSince > timeoutNanos) {
                return new Result(false, "no answer for " + Duration.ofNanos(now - runningSince).toMillis() + " ms");
            }
            return last;
        }
    }

    private void startCheck() {
        CompletionStage<String> stage;
        try {
            stage = check.get();
        } catch (RuntimeException e) {
            done(new Result(false, describe(e)));
            return;
        }
        stage.whenComplete((detail, error) -> done(error == null
                ? new Result(true, detail == null ? "ok" : detail)
                : new Result(false, describe(error))));
    }

    private synchronized void done(Result result) {
        last = result;
        lastAt = clock.getAsLong();
        checked = true;
        running = false;
    }

    private static String describe(Throwable t) {
        Throwable cause = t;
        while ((cause instanceof java.util.concurrent.CompletionException
                || cause instanceof java.util.concurrent.ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        if (cause instanceof Failed) {
            return message;
        }
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
