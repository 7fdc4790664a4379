package org.callrec.storage.upload;

/**
 * Why a recording is not {@code quality.intact}: the tokens of {@code quality.problems} (empty
 * when intact), described in {@code docs/metadata.md}.
 */
public enum QualityProblem {
    /** No audio packet was placed: everything was dropped (e.g. all {@code foreign-source}) or nothing came. */
    NO_MEDIA("no-media"),
    /** Packets the phone sent are missing: by the sequence numbers, or by the call's length (the tail). */
    PACKET_LOSS("packet-loss"),
    /** Packets came after their place was written. */
    LATE_PACKETS("late-packets"),
    /** A gap was bounded, collapsed or skipped: the audio is not at its place in time. */
    GAPS_ALTERED("gaps-altered"),
    /** Packets were dropped for a reason that counts against intact. */
    DROPPED_PACKETS("dropped-packets"),
    /** A per-recording cap ended the recording ({@code quality.capTripped}). */
    CAP_TRIPPED("cap-tripped"),
    /** The call's length and the audio's differ by more than {@code storage.quality.length-tolerance}. */
    LENGTH_MISMATCH("length-mismatch"),
    /**
     * The ingest node closed the recording's port before it had read every datagram queued on it
     * (its release drain timed out, END's {@code tailDrained} false): the tail the phone sent is short.
     */
    TAIL_NOT_DRAINED("tail-not-drained");

    private final String token;

    QualityProblem(String token) {
        this.token = token;
    }

    /** The token in {@code quality.problems}. */
    public String token() {
        return token;
    }
}
