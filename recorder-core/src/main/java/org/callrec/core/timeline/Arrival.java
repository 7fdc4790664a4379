package org.callrec.core.timeline;

import java.util.Arrays;

/** A datagram kept for later, as it arrived: its arrival time and a copy of its bytes. */
record Arrival(long arrivalMicros, byte[] datagram) {

    /** Copies {@code buf[off, off+len)}: the caller's buffer is reused for the next datagram. */
    static Arrival copyOf(long arrivalMicros, byte[] buf, int off, int len) {
        return new Arrival(arrivalMicros, Arrays.copyOfRange(buf, off, off + len));
    }
}
