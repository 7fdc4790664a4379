package org.callrec.core.timeline;

import java.util.Arrays;

/**
 * The extended sequence numbers of the last {@value #SIZE} packets written, so that a packet
 * arriving after its place was written can be told apart: a copy of one written (a duplicate) or
 * one never seen (late). A fixed ring: memory does not grow with the stream. Not thread-safe.
 */
final class WrittenPackets {

    static final int SIZE = 2048;

    private final long[] ring = new long[SIZE];

    WrittenPackets() {
        clear();
    }

    /** Packet {@code extSeq} was written. */
    void add(long extSeq) {
        ring[slot(extSeq)] = extSeq;
    }

    /** Whether packet {@code extSeq} is among the last {@value #SIZE} written. */
    boolean contains(long extSeq) {
        return ring[slot(extSeq)] == extSeq;
    }

    /** Forgets everything (a new stream numbers its packets afresh). */
    void clear() {
        Arrays.fill(ring, Long.MIN_VALUE);
    }

    private static int slot(long extSeq) {
        return (int) Math.floorMod(extSeq, (long) SIZE);
    }
}
