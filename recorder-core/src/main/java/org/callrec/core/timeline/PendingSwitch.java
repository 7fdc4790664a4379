package org.callrec.core.timeline;

import java.util.ArrayList;
import java.util.List;

/**
 * An SSRC change waiting one reorder window: the datagrams of the SSRC being switched to are held
 * aside (at most {@code maxHeld}) while the old SSRC's reordered packets still go in place. Not
 * thread-safe.
 */
final class PendingSwitch {

    private static final long NONE = -1;

    private final long windowMicros;
    private final int maxHeld;
    private final List<Arrival> held = new ArrayList<>();
    private long ssrc = NONE;
    private long sinceMicros;

    /**
     * @param windowMicros how long (arrival time) after the new SSRC's first packet the switch waits
     * @param maxHeld      most datagrams held before the switch must happen at once
     */
    PendingSwitch(long windowMicros, int maxHeld) {
        this.windowMicros = windowMicros;
        this.maxHeld = maxHeld;
    }

    /** Begins waiting to switch to {@code newSsrc}, whose first packet arrived at {@code arrivalMicros}. */
    void begin(long newSsrc, long arrivalMicros) {
        ssrc = newSsrc;
        sinceMicros = arrivalMicros;
    }

    /** Whether a switch to {@code packetSsrc} is waiting. */
    boolean isFor(long packetSsrc) {
        return ssrc != NONE && ssrc == packetSsrc;
    }

    /** Whether a switch is waiting and its window has passed by {@code arrivalMicros}. */
    boolean isDue(long arrivalMicros) {
        return ssrc != NONE && arrivalMicros - sinceMicros > windowMicros;
    }

    /**
     * Holds a datagram of the SSRC being switched to (copied).
     *
     * @return whether too many are held: the switch must happen now
     */
    boolean hold(long arrivalMicros, byte[] buf, int off, int len) {
        held.add(Arrival.copyOf(arrivalMicros, buf, off, len));
        return held.size() > maxHeld;
    }

    /** Whether a switch is waiting. */
    boolean isPending() {
        return ssrc != NONE;
    }

    /** The SSRC being switched to; valid while {@link #isPending()}. */
    long ssrc() {
        return ssrc;
    }

    /** Ends the wait: returns the held datagrams in arrival order and forgets them. */
    List<Arrival> end() {
        List<Arrival> out = List.copyOf(held);
        held.clear();
        ssrc = NONE;
        return out;
    }
}
