package org.callrec.storage.consume;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import org.apache.kafka.common.TopicPartition;
import org.callrec.core.chunk.ChunkCodec;
import org.callrec.core.chunk.RecordOrigin;
import org.callrec.core.chunk.RecordType;
import org.callrec.core.chunk.RecordingAlive;
import org.callrec.core.chunk.RecordingEnded;
import org.callrec.core.chunk.RecordingStarted;
import org.callrec.core.chunk.StopReason;
import org.callrec.core.timeline.TimelineCap;
import org.callrec.storage.assemble.AssembledRecording;
import org.callrec.storage.assemble.AssemblyOptions;
import org.callrec.storage.assemble.RecordingAssembly;
import org.callrec.storage.assemble.SpillFiles;
import org.callrec.storage.logging.RecordingMdc;
import org.callrec.storage.metrics.StorageMetrics;
import org.callrec.storage.metrics.StorageMetrics.FailReason;
import org.callrec.storage.metrics.StorageMetrics.SkipReason;
import org.callrec.core.text.LogText;
import org.callrec.logging.RateLimitedLog;
import org.jboss.logging.Logger;

/**
 * Routes the records of the media topic to per-recording state: START opens a
 * {@link RecordingAssembly} (and an {@link OffsetTracker.Ticket} that holds back the commit),
 * MEDIA feeds it, ALIVE only says its ingest node still holds it, END finishes its timeline and
 * hands the result over for upload. A recording that provably had no record for
 * {@code storage.ingest-lost-after} is finished as {@code ingest-lost}
 * ({@link #sweepLost()}). Nothing here throws for a bad record: corrupt values and records of
 * unknown recordings are counted, logged and skipped.
 *
 * <p>A recording is only ever assembled from its START on: MEDIA of a recording whose START was
 * not read (it lies before the committed offset, which only happens once the recording is stored)
 * is skipped, never assembled into a partial file.
 *
 * <p>A recording is only ever assembled from the records of the node and port its START names
 * ({@link RecordOrigin}, see {@link OriginCheck}): a second START for its id from elsewhere is
 * refused, never merged, and that one's END never closes it.
 *
 * <p>Runs on the consumer thread only; the work per record is decoding and a buffered file write.
 *
 * <p>Why ~400 lines in one class: it has one job, the life of an open recording from START to
 * hand-off, and every handler reads and changes the same per-recording state ({@code Open}) and
 * the same ticket of the {@link OffsetTracker}. The jobs around it already have classes of their
 * own (assembly, offsets, partition progress, upload, commits); splitting the record types'
 * handlers apart would spread that one state machine over several files.
 */
public final class RecordingRouter {

    private static final Logger LOG = Logger.getLogger(RecordingRouter.class);
    /**
     * Lines about records that cannot be read: a broken or hostile producer could write millions,
     * so at most 20 a minute are logged (the rest are summed up in one line); all are counted.
     */
    private static final RateLimitedLog BAD_RECORDS = new RateLimitedLog(LOG, 20, Duration.ofMinutes(1));
    private static final String CORRUPT = "corrupt-record";
    private static final int WARNED_IDS = 1024;
    private static final int LOST_IDS = 4096;

    /** Takes a finished recording; {@code ticket} is released once it is stored. */
    @FunctionalInterface
    public interface HandOff {
        void store(AssembledRecording recording, OffsetTracker.Ticket ticket);
    }

    /** State of one open recording. */
    private static final class Open {
        final RecordingStarted start;
        final RecordOrigin origin;
        final OffsetTracker.Ticket ticket;
        RecordingAssembly assembly;  // null: not assembled (unsupported codec or local failure)
        boolean holdOnEnd;           // not assembled because of a failure: keep holding the commit
        long lastReadNanos;          // local clock when its last record was read
        long lastAliveMillis = Long.MIN_VALUE;

        Open(RecordingStarted start, OffsetTracker.Ticket ticket, long now) {
            this.start = start;
            this.origin = RecordOrigin.of(start);
            this.ticket = ticket;
            this.lastReadNanos = now;
        }
    }

    private final SpillFiles spillFiles;
    private final AssemblyOptions options;
    private final Duration ingestLostAfter;
    private final OffsetTracker tracker;
    private final PartitionProgress progress;
    private final HandOff handOff;
    private final StorageMetrics metrics;
    private final LongSupplier nanoClock;
    private final Map<String, Open> open = new HashMap<>();
    private final AtomicInteger openGauge = new AtomicInteger();
    private final Set<String> warnedUnknown = boundedSet(WARNED_IDS);
    private final OriginCheck origins;
    private final Map<String, StopReason> endedHere = boundedMap(LOST_IDS); // ended by this service, not by an END
    private final Map<TopicPartition, Integer> failedOn = new HashMap<>(); // recordings a spill failure left unassembled
    private final AtomicInteger unstored = new AtomicInteger();

    /**
     * @param ingestLostAfter silence after which an open recording is ended as {@code ingest-lost}
     * @param progress        how far each partition has provably been read (judges that silence)
     * @param nanoClock       monotonic clock ({@code System::nanoTime}), the one {@code progress} uses
     */
    public RecordingRouter(SpillFiles spillFiles, AssemblyOptions options, Duration ingestLostAfter,
                           OffsetTracker tracker, PartitionProgress progress, HandOff handOff, StorageMetrics metrics,
                           LongSupplier nanoClock) {
        this.spillFiles = spillFiles;
        this.options = options;
        this.ingestLostAfter = ingestLostAfter;
        this.tracker = tracker;
        this.progress = progress;
        this.handOff = handOff;
        this.metrics = metrics;
        this.nanoClock = nanoClock;
        this.origins = new OriginCheck(metrics);
        metrics.openRecordings(openGauge::get);
    }

    public OffsetTracker tracker() {
        return tracker;
    }

    public PartitionProgress progress() {
        return progress;
    }

    /** Recordings between START and END on this instance. */
    public int assembling() {
        return open.size();
    }

    /** Handles one record of the media topic that carries no origin header. Never throws for bad input. */
    public void onRecord(TopicPartition tp, long offset, String key, byte[] value) {
        onRecord(tp, offset, key, value, null);
    }

    /**
     * Handles one record of the media topic. Never throws for bad input.
     *
     * @param origin the record's {@link RecordOrigin#HEADER}, null when it has none
     */
    public void onRecord(TopicPartition tp, long offset, String key, byte[] value, RecordOrigin origin) {
        try {
            RecordType type;
            try {
                type = ChunkCodec.typeOf(value);
            } catch (IllegalArgumentException e) {
                corrupt(tp, offset, key, e);
                return;
            }
            switch (type) {
                case START -> onStart(tp, offset, key, value);
                case MEDIA -> onMedia(tp, offset, key, value, origin);
                case END -> onEnd(tp, offset, key, value, origin);
                case ALIVE -> onAlive(tp, offset, key, value, origin);
            }
        } catch (RuntimeException e) {
            // a bug rather than bad input; still never stop the loop for one record
            BAD_RECORDS.warnf(CORRUPT, "Record %s-%d (key %s) skipped: %s", tp, offset, LogText.escape(key),
                    LogText.escape(e.toString()));
            metrics.skipped(SkipReason.CORRUPT);
        } finally {
            tracker.consumed(tp, offset);
            openGauge.set(tracker.openCount());
        }
    }

    /** A recording handed over by {@link HandOff} is stored: it no longer holds back the commit. */
    public void stored(OffsetTracker.Ticket ticket) {
        tracker.release(ticket);
        openGauge.set(tracker.openCount());
    }

    /** Partitions taken away (or lost): drop their open recordings without storing them. */
    public void revoke(Collection<TopicPartition> partitions) {
        Set<TopicPartition> gone = new HashSet<>(partitions);
        for (Iterator<Open> it = open.values().iterator(); it.hasNext(); ) {
            Open o = it.next();
            if (gone.contains(o.ticket.partition())) {
                if (o.assembly != null) {
                    o.assembly.discard();
                }
                it.remove();
            }
        }
        tracker.revoke(gone);
        progress.revoke(gone);
        for (TopicPartition tp : gone) {
            Integer failed = failedOn.remove(tp); // read again from their START, here or by the next owner
            if (failed != null) {
                unstored.addAndGet(-failed);
            }
        }
        openGauge.set(tracker.openCount());
    }

    /** Partitions newly assigned. */
    public void assign(Collection<TopicPartition> partitions) {
        tracker.assign(partitions);
        progress.assign(partitions);
    }

    /**
     * Ends, with stop reason {@code ingest-lost}, the open recordings that provably had
     * no record appended for {@code ingestLostAfter} (see {@link PartitionProgress}), keeping all
     * the audio they received. Also sums up the bad-record lines that were not logged.
     */
    public void sweepLost() {
        BAD_RECORDS.flush();
        long timeout = ingestLostAfter.toNanos();
        for (Iterator<Open> it = open.values().iterator(); it.hasNext(); ) {
            Open o = it.next();
            if (!progress.silentFor(o.ticket.partition(), o.lastReadNanos, timeout)) {
                continue;
            }
            it.remove();
            String id = o.start.recordingId();
            RecordingMdc.set(id);
            try {
                endedHere.put(id, StopReason.INGEST_LOST);
                origins.ended(id, o.origin);
                metrics.ingestLost();
                LOG.warnf("Recording %s: no record from its ingest node %s for %s, ending it with stop reason %s",
                        id, o.start.ingestNode(), ingestLostAfter, StopReason.INGEST_LOST.token());
                finish(o, new RecordingEnded(id, StopReason.INGEST_LOST.token(), lostEndedAt(o), 0, Map.of(),
                        o.assembly != null ? o.assembly.chunks() : 0, Map.of()));
            } finally {
                RecordingMdc.clear();
            }
        }
        openGauge.set(tracker.openCount());
    }

    /**
     * When a lost recording ended: its last sign of life in the records themselves (latest packet
     * arrival, latest ALIVE, or its start), never the clock, so reading it again gives the same
     * metadata.
     */
    private static long lostEndedAt(Open o) {
        long endedAt = o.start.startedAtMillis();
        if (o.assembly != null && o.assembly.lastArrivalMicros() != Long.MIN_VALUE) {
            endedAt = Math.max(endedAt, o.assembly.lastArrivalMicros() / 1000);
        }
        return Math.max(endedAt, o.lastAliveMillis);
    }

    /** Drops every open recording (shutdown). */
    public void closeAll() {
        open.values().forEach(o -> {
            if (o.assembly != null) {
                o.assembly.discard();
            }
        });
        open.clear();
    }

    private void onStart(TopicPartition tp, long offset, String key, byte[] value) {
        RecordingStarted start;
        try {
            start = ChunkCodec.decodeStart(value);
        } catch (RuntimeException e) {
            corrupt(tp, offset, key, e);
            return;
        }
        String id = start.recordingId();
        if (id == null || id.isBlank()) {
            corrupt(tp, offset, key, new IllegalArgumentException("START without recording id"));
            return;
        }
        Open previous = open.get(id);
        RecordOrigin openFrom = previous != null ? previous.origin : null;
        if (origins.refusesStart(id, RecordOrigin.of(start), openFrom, tp, offset)) {
            return;
        }
        if (previous != null) {
            // The same START again while the recording is open (a producer retry, an ingest node
            // that restarted and announces what it recovered): the recording goes on, and its
            // first START keeps holding the commit. Starting over would lose the audio read so far.
            LOG.warnf("Recording %s: START again at %s-%d while it is open, ignored", id, tp, offset);
            metrics.skipped(SkipReason.DUPLICATE_START);
            previous.lastReadNanos = nanoClock.getAsLong();
            return;
        }
        Open o = new Open(start, tracker.open(tp, offset), nanoClock.getAsLong());
        open.put(id, o);
        if (!RecordingAssembly.supports(start.codec())) {
            LOG.warnf("Recording %s uses codec %s, which has no decoder: it is not stored", id, start.codec());
            metrics.failed(FailReason.UNSUPPORTED_CODEC);
            return;
        }
        try {
            o.assembly = RecordingAssembly.open(start, () -> spillFiles.newFile(id), options, spillFiles.io());
        } catch (IOException | UncheckedIOException e) {
            localFailure(o, e);
        }
    }

    private void onMedia(TopicPartition tp, long offset, String key, byte[] value, RecordOrigin origin) {
        Open o = key == null ? null : open.get(key);
        if (o == null) {
            unknown(tp, offset, key, RecordType.MEDIA);
            return;
        }
        if (origins.foreign(o.start.recordingId(), o.origin, origin, tp, offset, RecordType.MEDIA)) {
            return;
        }
        o.lastReadNanos = nanoClock.getAsLong();
        if (o.assembly == null) {
            return;
        }
        try {
            o.assembly.media(value);
        } catch (IllegalArgumentException e) {
            corrupt(tp, offset, key, e);
        } catch (UncheckedIOException e) {
            localFailure(o, e);
            return;
        }
        TimelineCap cap = o.assembly.capTripped();
        if (cap != null) {
            capTripped(o, cap);
        }
    }

    /**
     * A per-recording cap tripped: the recording is ended now, stored as far as its timeline
     * went, and stops holding the commit once stored; its later records are skipped.
     */
    private void capTripped(Open o, TimelineCap cap) {
        String id = o.start.recordingId();
        open.remove(id);
        endedHere.put(id, StopReason.CAP_TRIPPED);
        origins.ended(id, o.origin);
        metrics.capTripped(cap);
        LOG.warnf("Recording %s: cap %s tripped (storage.limits.*): ended with stop reason %s and stored as far as"
                + " its audio is sane; its later records are skipped", id, cap.token(), StopReason.CAP_TRIPPED.token());
        finish(o, new RecordingEnded(id, StopReason.CAP_TRIPPED.token(), lostEndedAt(o), 0, Map.of(),
                o.assembly.chunks(), Map.of()));
    }

    private void onEnd(TopicPartition tp, long offset, String key, byte[] value, RecordOrigin origin) {
        RecordingEnded end;
        try {
            end = ChunkCodec.decodeEnd(value);
        } catch (RuntimeException e) {
            corrupt(tp, offset, key, e);
            return;
        }
        String id = end.recordingId() != null && !end.recordingId().isBlank() ? end.recordingId() : key;
        Open o = id == null ? null : open.get(id);
        if (o == null) {
            unknown(tp, offset, id, RecordType.END);
            return;
        }
        if (origins.foreign(o.start.recordingId(), o.origin, origin, tp, offset, RecordType.END)) {
            return;
        }
        open.remove(id);
        origins.ended(id, o.origin);
        finish(o, end);
    }

    private void onAlive(TopicPartition tp, long offset, String key, byte[] value, RecordOrigin origin) {
        RecordingAlive alive;
        try {
            alive = ChunkCodec.decodeAlive(value);
        } catch (RuntimeException e) {
            corrupt(tp, offset, key, e);
            return;
        }
        String id = alive.recordingId() != null && !alive.recordingId().isBlank() ? alive.recordingId() : key;
        Open o = id == null ? null : open.get(id);
        if (o == null) {
            unknown(tp, offset, id, RecordType.ALIVE);
            return;
        }
        if (origins.foreign(o.start.recordingId(), o.origin, origin, tp, offset, RecordType.ALIVE)) {
            return;
        }
        o.lastReadNanos = nanoClock.getAsLong();
        o.lastAliveMillis = Math.max(o.lastAliveMillis, alive.sentAtMillis());
    }

    private void finish(Open o, RecordingEnded end) {
        if (o.assembly == null) {
            if (!o.holdOnEnd) {
                tracker.release(o.ticket); // unsupported codec: nothing will ever be stored
            }
            return;
        }
        if (StopReason.ALLOCATION_ABANDONED.is(end.reason()) && o.assembly.chunks() == 0) {
            // The phone was never given this endpoint (another node took the call): no recording.
            o.assembly.discard();
            tracker.release(o.ticket);
            return;
        }
        if (o.assembly.chunks() != end.chunks() && !StopReason.INGEST_LOST.is(end.reason())
                && !StopReason.CAP_TRIPPED.is(end.reason())) {
            LOG.warnf("Recording %s: %d media chunks read, the END record says %d were published",
                    o.start.recordingId(), o.assembly.chunks(), end.chunks());
        }
        LOG.debugf("Recording %s: END read (%d chunks), storing", o.start.recordingId(), o.assembly.chunks());
        AssembledRecording done;
        try {
            done = o.assembly.finish(end);
        } catch (IOException | UncheckedIOException e) {
            localFailure(o, e);
            return;
        }
        handOff.store(done, o.ticket);
    }

    private void localFailure(Open o, Exception e) {
        // keep holding the commit: once the work directory can be written again, the partition is
        // read again from the oldest open START (rereadPending), and the recording stored then
        LOG.warnf("Recording %s: cannot write its spill file in %s (%s); its partition %s is read again from its START"
                + " once the work directory can be written", o.start.recordingId(), spillFiles.dir(), e.toString(),
                o.ticket.partition());
        metrics.failed(FailReason.LOCAL_IO);
        if (o.assembly != null) {
            o.assembly.discard();
            o.assembly = null;
        }
        if (!o.holdOnEnd) {
            o.holdOnEnd = true;
            failedOn.merge(o.ticket.partition(), 1, Integer::sum);
            unstored.incrementAndGet();
        }
    }

    /** Partitions with a recording that a spill I/O failure left unassembled: to be read again. */
    public Set<TopicPartition> rereadPending() {
        return Set.copyOf(failedOn.keySet());
    }

    /** Recordings a spill I/O failure left unassembled, waiting to be read again (any thread). */
    public int unstoredByLocalFailure() {
        return unstored.get();
    }

    /** Id of the open recording whose START holds {@code ticket}, or null. */
    public String recordingOf(OffsetTracker.Ticket ticket) {
        for (Open o : open.values()) {
            if (o.ticket == ticket) {
                return o.start.recordingId();
            }
        }
        return null;
    }

    private void corrupt(TopicPartition tp, long offset, String key, Exception e) {
        BAD_RECORDS.warnf(CORRUPT, "Record %s-%d (key %s) is corrupt, skipped: %s", tp, offset, LogText.escape(key),
                LogText.escape(e.getMessage()));
        metrics.skipped(SkipReason.CORRUPT);
    }

    private void unknown(TopicPartition tp, long offset, String id, RecordType type) {
        StopReason endedAs = id == null ? null : endedHere.get(id);
        if (endedAs != null) {
            // Ended by this service (the node was not gone after all, or a cap tripped): the
            // recording is stored already with what had come; these records are not added to it.
            metrics.skipped(endedAs == StopReason.CAP_TRIPPED ? SkipReason.AFTER_CAP : SkipReason.AFTER_INGEST_LOST);
            if (type == RecordType.END) {
                LOG.warnf("Recording %s: END at %s-%d came after it was stored as %s; ignored (no second object)",
                        id, tp, offset, endedAs.token());
            } else {
                LOG.debugf("Recording %s: %s record at %s-%d after it was stored as %s, skipped", id, type, tp,
                        offset, endedAs.token());
            }
            return;
        }
        metrics.skipped(SkipReason.UNKNOWN_RECORDING);
        if (warnedUnknown.add(String.valueOf(id))) {
            LOG.warnf("Recording %s: %s record at %s-%d without a START seen before, skipped"
                    + " (further ones are skipped silently)", id, type, tp, offset);
        } else {
            LOG.debugf("Recording %s: %s record at %s-%d without a START, skipped", id, type, tp, offset);
        }
    }

    private static <V> Map<String, V> boundedMap(int max) {
        return new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > max;
            }
        };
    }

    private static Set<String> boundedSet(int max) {
        return Collections.newSetFromMap(new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > max;
            }
        });
    }
}
