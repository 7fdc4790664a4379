package org.callrec.ingest.media;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import jakarta.inject.Singleton;

import org.callrec.core.chunk.DropReason;

/**
 * The node's packet counters, summed over all its recordings. Incremented on the packet path,
 * so plain {@link LongAdder}s: no allocation per increment, no lock shared between event loops.
 * Read only when metrics are scraped.
 */
@Singleton
public final class PacketCounters {

    final LongAdder received = new LongAdder();
    final LongAdder foreignSource = new LongAdder();
    final LongAdder foreignPort = new LongAdder();
    final LongAdder malformed = new LongAdder();
    final LongAdder oversize = new LongAdder();
    final LongAdder publishBacklog = new LongAdder();
    final LongAdder recordingBacklog = new LongAdder();
    final LongAdder ended = new LongAdder();
    final LongAdder afterRelease = new LongAdder();
    final LongAdder relatched = new LongAdder();
    final LongAdder chunksPublished = new LongAdder();

    /** Datagrams that reached a recording's port. */
    public long received() {
        return received.sum();
    }

    /** Datagrams dropped for {@code reason}, one of {@link #dropReasons()}. */
    public long dropped(DropReason reason) {
        return switch (reason) {
            case FOREIGN_SOURCE -> foreignSource.sum();
            case FOREIGN_PORT -> foreignPort.sum();
            case MALFORMED -> malformed.sum();
            case OVERSIZE -> oversize.sum();
            case PUBLISH_BACKLOG -> publishBacklog.sum();
            case RECORDING_BACKLOG -> recordingBacklog.sum();
            case ENDED -> ended.sum();
            case AFTER_RELEASE -> afterRelease.sum();
            default -> throw new IllegalArgumentException("not a node counter: " + reason.token());
        };
    }

    /**
     * The drop reasons the node counts, in the order of the packet path's checks
     * ({@link DropReason#ENDED}: a datagram that arrives after its recording was handed over,
     * while the socket closes; {@link DropReason#AFTER_RELEASE}: one that reaches a port resting
     * in quarantine after its recording's END; both node counters only).
     */
    public static List<DropReason> dropReasons() {
        return List.of(DropReason.FOREIGN_SOURCE, DropReason.OVERSIZE, DropReason.MALFORMED, DropReason.FOREIGN_PORT,
                DropReason.PUBLISH_BACKLOG, DropReason.RECORDING_BACKLOG, DropReason.ENDED, DropReason.AFTER_RELEASE);
    }

    /**
     * Times a recording's latched source was replaced by another of the phone's address after
     * a silence ({@code ingest.recording.relatch-after}).
     */
    public long relatched() {
        return relatched.sum();
    }

    /** Media chunks handed to the Kafka publisher. */
    public long chunksPublished() {
        return chunksPublished.sum();
    }
}
