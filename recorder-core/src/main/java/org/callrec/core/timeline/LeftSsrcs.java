package org.callrec.core.timeline;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The SSRCs a recording's stream switched away from, each with the arrival time of its last
 * packet (the {@value #REMEMBERED} most recent; the oldest is forgotten first). A packet of such an
 * SSRC arriving within the reorder window after that is a straggler of the switch; later, it is
 * that stream coming back. Not thread-safe.
 */
final class LeftSsrcs {

    static final int REMEMBERED = 16;

    private final long windowMicros;
    private final Map<Long, Long> lastArrival = new LinkedHashMap<>(REMEMBERED, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
            return size() > REMEMBERED;
        }
    };

    /** @param windowMicros the reorder window, in microseconds of arrival time */
    LeftSsrcs(long windowMicros) {
        this.windowMicros = windowMicros;
    }

    /** The stream switched from {@code left} (whose last packet arrived at the given time) to {@code next}. */
    void switched(long left, long lastArrivalMicros, long next) {
        lastArrival.remove(next);
        lastArrival.put(left, lastArrivalMicros);
    }

    /** Whether a packet of {@code ssrc} arriving at {@code arrivalMicros} trails a switch away from it. */
    boolean isStraggler(long ssrc, long arrivalMicros) {
        Long last = lastArrival.get(ssrc);
        return last != null && arrivalMicros - last <= windowMicros;
    }
}
