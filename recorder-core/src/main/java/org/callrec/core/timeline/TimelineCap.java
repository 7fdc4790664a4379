package org.callrec.core.timeline;

/** A per-recording bound of {@link TimelineCaps} that ended a timeline: {@code quality.capTripped}. */
public enum TimelineCap {
    /** The audio would have run ahead of the arrival time that passed (timestamps or payloads claiming more). */
    AUDIO_LENGTH("audio-length"),
    /** The audio would have passed the longest allowed ({@code storage.limits.max-recording-bytes}). */
    BYTES("bytes");

    private final String token;

    TimelineCap(String token) {
        this.token = token;
    }

    /** The token in the metadata and the metric tag. */
    public String token() {
        return token;
    }
}
