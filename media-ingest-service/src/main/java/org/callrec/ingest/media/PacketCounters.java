package org.callrec.ingest.media;

import java.util.concurrent.atomic.LongAdder;

import jakarta.inject.Singleton;

/**
 * The node's packet counters, summed over all its recordings. Incremented on the packet path,
 * so plain {@link LongAdder}s: no allocation per increment, no lock shared between event loops.
 * Read only when metrics are scraped.
 */
@Singleton
public final class PacketCounters {

    /** Drop reason of a datagram that arrives after its recording ended (node counter only). */
    public static final String ENDED = "ended";

    final LongAdder received = new LongAdder();
    final LongAdder foreignSource = new LongAdder();
    final LongAdder malformed = new LongAdder();
    final LongAdder oversize = new LongAdder();
    final LongAdder publishBacklog = new LongAdder();
    final LongAdder recordingBacklog = new LongAdder();
    final LongAdder ended = new LongAdder();
    final LongAdder chunksPublished = new LongAdder();

    /** Datagrams that reached a recording's port. */
    public long received() {
        return received.sum();
    }

    /**
     * Datagrams dropped for {@code reason}: {@link RecordingSession#FOREIGN_SOURCE},
     * {@link RecordingSession#MALFORMED}, {@link RecordingSession#OVERSIZE},
     * {@link RecordingSession#PUBLISH_BACKLOG}, {@link RecordingSession#RECORDING_BACKLOG} or {@link #ENDED}.
     */
    public long dropped(String reason) {
        return switch (reason) {
            case RecordingSession.FOREIGN_SOURCE -> foreignSource.sum();
            case RecordingSession.MALFORMED -> malformed.sum();
            case RecordingSession.OVERSIZE -> oversize.sum();
            case RecordingSession.PUBLISH_BACKLOG -> publishBacklog.sum();
            case RecordingSession.RECORDING_BACKLOG -> recordingBacklog.sum();
            case ENDED -> ended.sum();
            default -> throw new IllegalArgumentException("unknown drop reason " + reason);
        };
    }

    /** The drop reasons, in the order of the packet path's checks. */
    public static String[] dropReasons() {
        return new String[] {RecordingSession.FOREIGN_SOURCE, RecordingSession.OVERSIZE, RecordingSession.MALFORMED,
                RecordingSession.PUBLISH_BACKLOG, RecordingSession.RECORDING_BACKLOG, ENDED};
    }

    /** Media chunks handed to the Kafka publisher. */
    public long chunksPublished() {
        return chunksPublished.sum();
    }
}
