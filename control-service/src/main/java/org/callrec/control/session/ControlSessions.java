package org.callrec.control.session;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The phones' live control connections on this instance and the shutdown state they share.
 *
 * <p>On SIGTERM ({@link #drain()}) the instance takes no new connections (closed at once) and
 * no new recordings (answered {@code result=failed&reason=shutting-down}), while open
 * recordings go on and their stops are served. Once the drain is over ({@link #leaveOpen()}),
 * connections that close do not end their recordings: the ingest node keeps recording until
 * the lease lapses (reason {@code control-lost}), so a phone that still streams loses nothing.
 */
@ApplicationScoped
public class ControlSessions {

    private final Set<ControlConnection> connections = ConcurrentHashMap.newKeySet();
    private volatile boolean draining;
    private volatile boolean leaveOpen;

    void add(ControlConnection c) {
        connections.add(c);
    }

    void remove(ControlConnection c) {
        connections.remove(c);
    }

    /** Whether SIGTERM arrived: no new connections, no new recordings. */
    public boolean draining() {
        return draining;
    }

    /** Whether closing connections must leave their recordings to the ingest lease. */
    public boolean leavingOpen() {
        return leaveOpen;
    }

    /** Starts draining. */
    public void drain() {
        draining = true;
    }

    /** The drain is over: recordings of connections closed from now on are left to the lease. */
    public void leaveOpen() {
        leaveOpen = true;
    }

    /** Recordings open on all connections, plus commands still being handled. */
    public int busy() {
        return connections.stream().mapToInt(ControlConnection::busy).sum();
    }

    /** Live connections. */
    public int connections() {
        return connections.size();
    }

    /** The most commands any live connection has queued or in hand now (bounded by {@code control.admission.max-queued-commands} + 1). */
    public int mostQueuedCommands() {
        return connections.stream().mapToInt(ControlConnection::queuedCommands).max().orElse(0);
    }

    /** Live connections whose reading is paused now. */
    public long readingPaused() {
        return connections.stream().filter(ControlConnection::readingPaused).count();
    }
}
