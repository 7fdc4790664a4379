package org.callrec.ingest.allocation;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.callrec.ingest.media.RecordingSession;

/**
 * The recordings this node holds, by recording id: the open ones, the released ones still
 * lingering for packets in flight, and the ids released before they were allocated (so that a
 * late allocation cannot open an orphan). Holds no sockets and does no I/O.
 */
@ApplicationScoped
public class RecordingRegistry {

    private static final int RELEASED_UNKNOWN_MAX = 10_000;
    private static final long RELEASED_UNKNOWN_NANOS = TimeUnit.MINUTES.toNanos(10);

    /** A released recording lingering for packets in flight, with what its end will say. */
    record Closing(RecordingSession session, String reason, Map<String, String> fields) {
    }

    private final Map<String, RecordingSession> open = new ConcurrentHashMap<>();
    private final Map<String, Closing> lingering = new ConcurrentHashMap<>();
    /** Ids released before they were allocated, with when that was (bounded, oldest dropped). */
    private final Map<String, Long> releasedUnknown = Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                    return size() > RELEASED_UNKNOWN_MAX
                            || System.nanoTime() - eldest.getValue() > RELEASED_UNKNOWN_NANOS;
                }
            });

    /** Open recordings. */
    public Collection<RecordingSession> open() {
        return open.values();
    }

    /** The open recording with this id, or null. */
    RecordingSession get(String recordingId) {
        return open.get(recordingId);
    }

    /** Adds an open recording unless one with its id is there; returns that one, or null. */
    RecordingSession putIfAbsent(RecordingSession session) {
        return open.putIfAbsent(session.start().recordingId(), session);
    }

    /** Adds an open recording, in place of one with its id. */
    void put(RecordingSession session) {
        open.put(session.start().recordingId(), session);
    }

    /** Removes the open recording with this id; returns it, or null. */
    RecordingSession remove(String recordingId) {
        return open.remove(recordingId);
    }

    /** Ids of the open recordings, now. */
    Set<String> openIds() {
        return Set.copyOf(open.keySet());
    }

    /** Whether no recording is open and none lingers. */
    boolean empty() {
        return open.isEmpty() && lingering.isEmpty();
    }

    /** Keeps a released recording lingering until {@link #stopLingering}. */
    void linger(String recordingId, Closing closing) {
        lingering.put(recordingId, closing);
    }

    /** Ends the lingering of this recording; returns it, or null when it was not (or no longer) lingering. */
    Closing stopLingering(String recordingId) {
        return lingering.remove(recordingId);
    }

    /** Ids of the lingering recordings, now. */
    Set<String> lingeringIds() {
        return Set.copyOf(lingering.keySet());
    }

    /** Whether this recording was released and still lingers. */
    boolean isLingering(String recordingId) {
        return lingering.containsKey(recordingId);
    }

    /** Remembers an id released before this node allocated it. */
    void rememberReleasedUnknown(String recordingId) {
        releasedUnknown.put(recordingId, System.nanoTime());
    }

    /** Whether this id was released (unknown) during the last ten minutes. */
    boolean wasReleasedBeforeAllocated(String recordingId) {
        Long at = releasedUnknown.get(recordingId);
        return at != null && System.nanoTime() - at <= RELEASED_UNKNOWN_NANOS;
    }

    /**
     * Renews the leases of these recordings; returns the ids this node does not hold (a
     * recording released a moment ago and still lingering counts as held).
     */
    List<String> renew(List<String> recordingIds) {
        long now = System.nanoTime();
        List<String> unknown = new ArrayList<>();
        for (String id : recordingIds) {
            RecordingSession s = id == null ? null : open.get(id);
            if (s != null) {
                s.renewLease(now);
            } else if (id == null || !lingering.containsKey(id)) {
                unknown.add(id);
            }
        }
        return unknown;
    }
}
