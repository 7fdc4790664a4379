package org.callrec.control.admission;

/**
 * A token bucket: holds up to {@code burst} tokens, refilled at {@code ratePerSecond}; each
 * admitted event takes one. Not thread-safe (its owner guards it). Times are
 * {@link System#nanoTime()} values, passed in so tests drive the clock.
 */
final class TokenBucket {

    private final double ratePerNano;
    private final double burst;
    private double tokens;
    private long updated;

    TokenBucket(double ratePerSecond, int burst, long now) {
        if (ratePerSecond < 0 || burst < 0) {
            throw new IllegalArgumentException("rate and burst must not be negative");
        }
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.updated = now;
    }

    /** Takes a token if there is one. */
    boolean tryTake(long now) {
        refill(now);
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** Whether the bucket is full again at {@code now} (then forgetting it loses nothing). */
    boolean isFull(long now) {
        refill(now);
        return tokens >= burst;
    }

    private void refill(long now) {
        long elapsed = now - updated;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed * ratePerNano);
            updated = now;
        }
    }
}
