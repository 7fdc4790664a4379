package org.callrec.ingest.allocation;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.callrec.core.id.RecordingIds;
import org.callrec.core.protocol.RefusalReason;
import org.callrec.ingest.config.IngestConfig;

/**
 * Accepts each recording id once. control-service mints the ids (UUIDv7, {@link RecordingIds});
 * this node takes one only if it is a canonical UUIDv7, its embedded time lies within
 * {@code ingest.recording-ids.window} of this node's clock, and the node has not seen it within
 * that window. An id outside the window is refused anyway, so remembering each seen id for the
 * window (plus the skew it may have had) is enough for "never twice": the memory is bounded by
 * time, and by {@code ingest.recording-ids.remembered} entries, past which allocations are
 * refused with {@code no-capacity} rather than an id forgotten early. At start it is fed from
 * the allocation journal (every START record still in it), so a restart forgets nothing recent.
 */
@ApplicationScoped
public class RecordingIdGuard {

    @Inject
    IngestConfig config;

    private long windowMillis;
    private int capacity;
    private LongSupplier clock = System::currentTimeMillis;
    /** Seen ids with the wall-clock time until which they must be remembered, oldest first. */
    private final Map<String, Long> seen = new LinkedHashMap<>();
    private final AtomicLong refusedDuplicate = new AtomicLong();
    private final AtomicLong refusedFull = new AtomicLong();

    RecordingIdGuard() {
    }

    /** For tests: a guard with its own window, capacity and clock. */
    RecordingIdGuard(Duration window, int capacity, LongSupplier clock) {
        this.windowMillis = window.toMillis();
        this.capacity = capacity;
        this.clock = clock;
    }

    @PostConstruct
    void init() {
        windowMillis = config.recordingIds().window().toMillis();
        capacity = Math.max(1, config.recordingIds().remembered());
    }

    /**
     * Takes {@code id} as new and remembers it, or throws: 409 {@code duplicate-recording} for an id
     * that is seen already, not a canonical UUIDv7, or minted outside the window; 503
     * {@code no-capacity} when the memory is full.
     */
    void accept(String id) {
        long now = clock.getAsLong();
        if (!RecordingIds.isVersion7(id)) {
            throw refuse("recording id " + id + " is not a canonical UUIDv7");
        }
        long minted = RecordingIds.timestampMillis(id);
        if (Math.abs(now - minted) > windowMillis) {
            throw refuse("recording id " + id + " was minted " + (now - minted) + " ms from this node's clock,"
                    + " more than the " + windowMillis + " ms allowed");
        }
        synchronized (seen) {
            prune(now);
            if (seen.containsKey(id)) {
                throw refuse("recording id " + id + " was allocated on this node before");
            }
            if (seen.size() >= capacity) {
                refusedFull.incrementAndGet();
                throw new AllocationException(503, RefusalReason.NO_CAPACITY.token(),
                        "this node remembers " + capacity + " recent recording ids already");
            }
            seen.put(id, expiry(minted, now));
        }
    }

    /**
     * Remembers an id this node (or another) allocated earlier, read from the journal at start;
     * ids already outside the window are refused by their time alone and not kept.
     */
    void remember(String id) {
        if (!RecordingIds.isVersion7(id)) {
            return;
        }
        long now = clock.getAsLong();
        long minted = RecordingIds.timestampMillis(id);
        if (Math.abs(now - minted) > windowMillis) {
            return;
        }
        synchronized (seen) {
            prune(now);
            if (seen.size() < capacity) {
                seen.putIfAbsent(id, expiry(minted, now));
            }
        }
    }

    /** Allocations refused because their id was not new. */
    public long refusedDuplicates() {
        return refusedDuplicate.get();
    }

    /** Allocations refused because the memory of recent ids was full. */
    public long refusedFull() {
        return refusedFull.get();
    }

    /** Ids remembered now. */
    int remembered() {
        synchronized (seen) {
            prune(clock.getAsLong());
            return seen.size();
        }
    }

    /**
     * Until when an id must be remembered: until its own time has left the window (after which
     * the time check refuses it), and at least a window from now (the wall clock may step back).
     */
    private long expiry(long minted, long now) {
        return Math.max(minted, now) + windowMillis;
    }

    private void prune(long now) {
        // Oldest first; an entry that expires later than one behind it only delays that one's
        // removal, by at most the window.
        for (Iterator<Long> it = seen.values().iterator(); it.hasNext(); ) {
            if (it.next() >= now) {
                return;
            }
            it.remove();
        }
    }

    /** A refusal with {@code duplicate-recording}, counted. */
    AllocationException refuse(String message) {
        refusedDuplicate.incrementAndGet();
        return new AllocationException(409, RefusalReason.DUPLICATE_RECORDING.token(), message);
    }
}
