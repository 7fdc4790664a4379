package org.callrec.ingest.allocation;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.LongSupplier;

/**
 * The node's UDP ports. A port is handed out at random among the free ones (so nobody can
 * guess the next recording's port) and, once released, stays in quarantine for a while before
 * it can be handed out again (so a late packet of the old call cannot land in a new one).
 * A port can rest with its socket still open ({@link #rest}), so that what still arrives is
 * counted: after its quarantine it is handed to {@link #pollRested} for its socket to be closed,
 * and is free again only once {@link #closed}. Thread-safe.
 */
public final class PortPool {

    private record Quarantined(int port, long freeAtNanos, boolean socketOpen) {
    }

    private final List<Integer> free = new ArrayList<>();
    private final Deque<Quarantined> quarantine = new ArrayDeque<>();
    /** Rested ports whose socket is still open, not yet handed to {@link #pollRested}. */
    private final List<Integer> restedOpen = new ArrayList<>();
    /** Rested ports whose socket is being closed. */
    private final List<Integer> closing = new ArrayList<>();
    private final long quarantineNanos;
    private final LongSupplier clock;
    private final SecureRandom random = new SecureRandom();
    private final int size;

    /**
     * @param min             lowest port, inclusive
     * @param max             highest port, inclusive
     * @param quarantineNanos how long a released port rests
     * @param clock           monotonic nanoseconds (System::nanoTime)
     */
    public PortPool(int min, int max, long quarantineNanos, LongSupplier clock) {
        if (min < 1 || max > 65535 || min > max) {
            throw new IllegalArgumentException("invalid UDP port range " + min + "-" + max);
        }
        for (int p = min; p <= max; p++) {
            free.add(p);
        }
        this.size = max - min + 1;
        this.quarantineNanos = quarantineNanos;
        this.clock = clock;
    }

    /** Takes a random free port, or nothing when every port is in use or resting. */
    public synchronized OptionalInt take() {
        releaseRested();
        if (free.isEmpty()) {
            return OptionalInt.empty();
        }
        int i = random.nextInt(free.size());
        int port = free.get(i);
        free.set(i, free.get(free.size() - 1));
        free.remove(free.size() - 1);
        return OptionalInt.of(port);
    }

    /**
     * Takes this very port (recovery of a recording after a restart), resting or not. False
     * when it is outside the range or already taken.
     */
    public synchronized boolean take(int port) {
        if (quarantine.removeIf(q -> q.port() == port && !q.socketOpen())) {
            return true;
        }
        int i = free.indexOf(port);
        if (i < 0) {
            return false;
        }
        free.set(i, free.get(free.size() - 1));
        free.remove(free.size() - 1);
        return true;
    }

    /** Returns a port whose socket is closed; it becomes available again after the quarantine. */
    public synchronized void release(int port) {
        quarantine.addLast(new Quarantined(port, clock.getAsLong() + quarantineNanos, false));
    }

    /**
     * Returns a port whose socket stays open through the quarantine; then {@link #pollRested}
     * hands it out for closing, and it is free after {@link #closed}.
     */
    public synchronized void rest(int port) {
        quarantine.addLast(new Quarantined(port, clock.getAsLong() + quarantineNanos, true));
    }

    /** The ports whose quarantine is over and whose socket is to be closed now (each once). */
    public synchronized List<Integer> pollRested() {
        releaseRested();
        List<Integer> due = List.copyOf(restedOpen);
        closing.addAll(restedOpen);
        restedOpen.clear();
        return due;
    }

    /** The socket of a port handed out by {@link #pollRested} is closed: the port is free. */
    public synchronized void closed(int port) {
        if (closing.remove(Integer.valueOf(port))) {
            free.add(port);
        }
    }

    /** Ports resting in quarantine or waiting for their socket to close. */
    public synchronized int resting() {
        return quarantine.size() + restedOpen.size() + closing.size();
    }

    /** Returns a port that could not be bound (in use by another process): it rests too. */
    public void giveBack(int port) {
        release(port);
    }

    /** Ports that can be handed out now. */
    public synchronized int available() {
        releaseRested();
        return free.size();
    }

    /** Ports in the range. */
    public int size() {
        return size;
    }

    private void releaseRested() {
        long now = clock.getAsLong();
        while (!quarantine.isEmpty() && quarantine.peekFirst().freeAtNanos() - now <= 0) {
            Quarantined q = quarantine.pollFirst();
            (q.socketOpen() ? restedOpen : free).add(q.port());
        }
    }
}
