package org.callrec.storage.upload;

import java.time.Duration;

/** Exponential backoff with a ceiling: {@code initial, 2×initial, 4×initial, … max, max, …}. */
public record Backoff(Duration initial, Duration max) {

    /** Delay before retry number {@code retry} (1 for the first retry). */
    public Duration delay(int retry) {
        if (retry <= 1) {
            return min(initial, max);
        }
        int shift = Math.min(retry - 1, 30);
        long millis = initial.toMillis();
        long scaled = millis > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : millis << shift;
        return min(Duration.ofMillis(scaled), max);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
