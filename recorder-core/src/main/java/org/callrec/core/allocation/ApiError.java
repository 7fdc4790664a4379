package org.callrec.core.allocation;

/**
 * Error body of the internal API.
 *
 * @param error   a token: {@code bad-request}, {@code unsupported-codec}, {@code no-capacity},
 *                {@code unknown-recording}, {@code recording-ended}, {@code shutting-down}
 * @param message human-readable detail
 */
public record ApiError(String error, String message) {
    public static final String BAD_REQUEST = "bad-request";
    public static final String UNSUPPORTED_CODEC = "unsupported-codec";
    public static final String NO_CAPACITY = "no-capacity";
    public static final String UNKNOWN_RECORDING = "unknown-recording";
    public static final String RECORDING_ENDED = "recording-ended";
    /** The node is draining for shutdown and takes no new recordings (another node may). */
    public static final String SHUTTING_DOWN = "shutting-down";
}
