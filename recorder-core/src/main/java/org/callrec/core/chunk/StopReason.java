package org.callrec.core.chunk;

import java.util.Optional;

/**
 * Why a recording ended: the {@code reason} of its {@link RecordingEnded} record, of the
 * internal API's release request and of the metadata's {@code stopReason}. A phone's stop
 * carries a free-form {@code reason} of its own, which passes through as sent
 * ({@link #orStop}); the tokens listed here are the ones the servers give.
 */
public enum StopReason {
    /** A phone's stop that gave no reason of its own. */
    STOP("stop"),
    /** The phone's control connection closed or failed while the recording was open. */
    SOCKET_ERROR("socket-error"),
    /**
     * control-service gave up on the allocation before the phone heard of it (its ingest node
     * answered too late, and another node took the call): nothing to store.
     */
    ALLOCATION_ABANDONED("allocation-abandoned"),
    /** The ingest node's lease was not renewed for {@code ingest.lease.ttl}. */
    CONTROL_LOST("control-lost"),
    /** The ingest node shut down without handing the recording over. */
    INGEST_SHUTDOWN("ingest-shutdown"),
    /** A restarted ingest node could not take the recording back (its port could not be bound). */
    RECOVERY_FAILED("recovery-failed"),
    /** The ingest node ended the recording at {@code ingest.recording.max-duration}. */
    MAX_DURATION("max-duration"),
    /** The ingest node accepted no packet for {@code ingest.recording.media-timeout} (or none at all for {@code …first-media-timeout}). */
    MEDIA_TIMEOUT("media-timeout"),
    /** storage-service read no record of the recording for {@code storage.ingest-lost-after}. */
    INGEST_LOST("ingest-lost"),
    /** storage-service ended the recording early: a per-recording cap tripped ({@code quality.capTripped}). */
    CAP_TRIPPED("cap-tripped");

    private final String token;

    StopReason(String token) {
        this.token = token;
    }

    /** The token as it goes on the wire. */
    public String token() {
        return token;
    }

    /**
     * The stop reason of a stop or release: the {@code reason} given (a phone's own, or a
     * server token) exactly as sent, or {@link #STOP} when none was given (null or blank).
     */
    public static String orStop(String given) {
        return given == null || given.isBlank() ? STOP.token : given;
    }

    /** The reason of a token, empty for any other (a phone's own reason, matched exactly). */
    public static Optional<StopReason> parse(String token) {
        for (StopReason r : values()) {
            if (r.token.equals(token)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** Whether {@code token} is this reason's token. */
    public boolean is(String token) {
        return this.token.equals(token);
    }
}
