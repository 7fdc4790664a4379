package org.callrec.control.admission;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.OptionalLong;

/** The process's file-descriptor limit, and the connection cap that leaves room below it. */
final class DescriptorLimit {

    /** Share of the descriptor limit connections may take; the rest is for files, client sockets, the JVM. */
    static final double CONNECTION_SHARE = 0.75;

    private DescriptorLimit() {
    }

    /** The process's descriptor limit ({@code ulimit -n}), when the JVM can tell it. */
    static OptionalLong maxFileDescriptors() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            long max = unix.getMaxFileDescriptorCount();
            return max > 0 ? OptionalLong.of(max) : OptionalLong.empty();
        }
        return OptionalLong.empty();
    }

    /** The smaller of {@code configured} and {@link #CONNECTION_SHARE} of {@code descriptors} (at least 1). */
    static int connectionCap(int configured, OptionalLong descriptors) {
        if (descriptors.isEmpty()) {
            return configured;
        }
        long share = Math.max(1, (long) (descriptors.getAsLong() * CONNECTION_SHARE));
        return (int) Math.min(configured, share);
    }
}
