package org.callrec.core.timeline;

/**
 * The arrival time that passed during a recording, which bounds its audio whatever the RTP
 * timestamps claim: a hole is at most the arrival-time gap since the latest packet written plus
 * the reorder window ({@link #holeAllowance}), and the whole timeline at most the elapsed time
 * plus the {@link TimelineCaps} lead ({@link #capFor}). Not thread-safe.
 */
final class ElapsedTime {

    private final int clockRate;
    private final long reorderWindowUnits;
    private final TimelineCaps caps;
    private long earliest = Long.MAX_VALUE;
    private long newest = Long.MIN_VALUE;
    private long written = Long.MIN_VALUE;

    ElapsedTime(int clockRate, long reorderWindowUnits, TimelineCaps caps) {
        this.clockRate = clockRate;
        this.reorderWindowUnits = reorderWindowUnits;
        this.caps = caps;
    }

    /** A datagram (of any kind) arrived at {@code arrivalMicros} (or the recording started then). */
    void arrived(long arrivalMicros) {
        earliest = Math.min(earliest, arrivalMicros);
        newest = Math.max(newest, arrivalMicros);
    }

    /** A packet that arrived at {@code arrivalMicros} was written (or its place was taken). */
    void written(long arrivalMicros) {
        written = Math.max(written, arrivalMicros);
    }

    /** Most silence a hole before a packet that arrived at {@code arrivalMicros} can be. */
    long holeAllowance(long arrivalMicros) {
        if (written == Long.MIN_VALUE) {
            return Long.MAX_VALUE;
        }
        return TimelineCaps.saturatingAdd(units(Math.max(0, arrivalMicros - written)), reorderWindowUnits);
    }

    /** The cap a timeline of {@code units} would pass, or null. */
    TimelineCap capFor(long units) {
        long elapsed = newest == Long.MIN_VALUE ? 0 : units(newest - earliest);
        if (units > caps.allowedUnits(elapsed)) {
            return TimelineCap.AUDIO_LENGTH;
        }
        return units > caps.maxUnits() ? TimelineCap.BYTES : null;
    }

    /** {@code micros} of arrival time in RTP units, saturating. */
    private long units(long micros) {
        return micros > Long.MAX_VALUE / clockRate ? Long.MAX_VALUE : micros * clockRate / 1_000_000L;
    }
}
