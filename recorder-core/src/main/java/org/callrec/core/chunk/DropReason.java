package org.callrec.core.chunk;

import java.util.Optional;

/**
 * Why a packet was not used: the keys of the ingest node's
 * {@link RecordingEnded#droppedByReason()} and of the storage timeline's
 * {@code TimelineStats.droppedByReason()}, the {@code reason} tag of
 * {@code callrec_ingest_packets_dropped_total}. Each says whether it {@link #countsAgainstIntact()
 * counts against} a recording's {@code quality.intact}: a datagram from another address, another
 * payload type (DTMF events, comfort noise) or garbage says nothing about the audio's integrity.
 */
public enum DropReason {
    /** ingest: the datagram's source IP is not the phone's. */
    FOREIGN_SOURCE("foreign-source", false),
    /**
     * ingest: the datagram comes from the phone's IP but not from the source (address and port)
     * the recording latched onto: a stranger behind the same NAT, or a spoofer.
     */
    FOREIGN_PORT("foreign-port", false),
    /** ingest and storage: not an RTP packet (version, truncated header, bad padding). */
    MALFORMED("malformed", false),
    /** ingest: the datagram is larger than {@code ingest.chunk.max-datagram-bytes}. */
    OVERSIZE("oversize", true),
    /** ingest: the chunk found the node's publish buffer full. */
    PUBLISH_BACKLOG("publish-backlog", true),
    /** ingest: the chunk found the recording's share of the publish buffer full. */
    RECORDING_BACKLOG("recording-backlog", true),
    /** ingest: Kafka refused the chunk after its retries, or it expired unsent. */
    PUBLISH_FAILED("publish-failed", true),
    /**
     * ingest: the datagram arrived after its recording ended without a resting socket (handed
     * over at shutdown, its socket closing). Only the node's counter has it, never a
     * recording's counts.
     */
    ENDED("ended", true),
    /**
     * ingest: the datagram reached a port resting in quarantine after its recording's END.
     * Only the node's counter has it.
     */
    AFTER_RELEASE("after-release", true),
    /** storage: another payload type than the recording's codec. */
    PAYLOAD_TYPE("payload-type", false),
    /** storage: a straggler of an SSRC the stream had switched away from. */
    STALE_SSRC("stale-ssrc", true),
    /** storage: claims time already written by another packet. */
    OVERLAP("overlap", true),
    /** storage: a lone packet far outside the sequence numbers (RFC 3550 A.1). */
    OUT_OF_RANGE("out-of-range", true),
    /** storage: came after a per-recording cap ended the recording's timeline ({@code quality.capTripped}). */
    CAPPED("capped", true);

    private final String token;
    private final boolean countsAgainstIntact;

    DropReason(String token, boolean countsAgainstIntact) {
        this.token = token;
        this.countsAgainstIntact = countsAgainstIntact;
    }

    /** The token as it goes on the wire (record keys, metric tags, metadata keys). */
    public String token() {
        return token;
    }

    /** Whether a packet dropped for this reason makes the recording not intact. */
    public boolean countsAgainstIntact() {
        return countsAgainstIntact;
    }

    /**
     * Whether a packet dropped for the reason {@code token} makes the recording not intact; a
     * token not listed here does (nothing says it is harmless).
     */
    public static boolean countsAgainstIntact(String token) {
        return parse(token).map(DropReason::countsAgainstIntact).orElse(true);
    }

    /** The reason of a token, empty for a token not listed here (matched exactly). */
    public static Optional<DropReason> parse(String token) {
        for (DropReason r : values()) {
            if (r.token.equals(token)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
