package org.callrec.ingest.kafka;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.callrec.core.chunk.RecordOrigin;
import org.jboss.logging.Logger;

/**
 * One recording's share of the publisher: the bytes it has handed over that Kafka has not yet
 * acknowledged (bounded per recording), and the packets Kafka finally refused.
 */
public final class PublishAccount {

    private static final Logger LOG = Logger.getLogger(PublishAccount.class);

    private final String recordingId;
    private final byte[] origin;
    private final AtomicLong pendingBytes = new AtomicLong();
    private final AtomicLong failedPackets = new AtomicLong();
    private final AtomicBoolean warned = new AtomicBoolean();

    /** An account whose records carry no {@link RecordOrigin} header (tests of the publisher). */
    public PublishAccount(String recordingId) {
        this.recordingId = recordingId;
        this.origin = null;
    }

    /** An account whose records carry the {@link RecordOrigin#HEADER} of {@code origin}. */
    public PublishAccount(String recordingId, RecordOrigin origin) {
        this.recordingId = recordingId;
        this.origin = origin.toHeader();
    }

    public String recordingId() {
        return recordingId;
    }

    /** The {@link RecordOrigin#HEADER} value every record of this recording carries, or null. */
    byte[] originHeader() {
        return origin;
    }

    /** Bytes handed to the publisher and not yet acknowledged (or refused) by Kafka. */
    public long pendingBytes() {
        return pendingBytes.get();
    }

    /** Packets in records Kafka refused after its own retries (or that expired unsent). */
    public long failedPackets() {
        return failedPackets.get();
    }

    boolean reserve(long bytes, long limit) {
        if (pendingBytes.addAndGet(bytes) > limit) {
            pendingBytes.addAndGet(-bytes);
            return false;
        }
        return true;
    }

    void force(long bytes) {
        pendingBytes.addAndGet(bytes);
    }

    void done(long bytes) {
        pendingBytes.addAndGet(-bytes);
    }

    void failed(long bytes, int packets, Exception error) {
        pendingBytes.addAndGet(-bytes);
        failedPackets.addAndGet(packets);
        if (warned.compareAndSet(false, true)) {
            LOG.warnf("Recording %s: Kafka refused a record (%s); further failures of this recording are only counted",
                    recordingId, error.toString());
        }
    }
}
