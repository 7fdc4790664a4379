package org.callrec.storage.assemble;

import java.time.Duration;

import org.callrec.core.audio.WavHeader;
import org.callrec.core.timeline.GapHandling;

/**
 * How recordings are assembled (from {@code storage.*}).
 *
 * @param reorderWindow      how late a packet may be and still be put in place
 * @param gapPolicy          what becomes of gaps
 * @param maxSilence         {@code collapse}: longest hole kept whole
 * @param minPause           how much longer than its missing packets a hole must be to be a gap
 * @param format             stored audio format
 * @param maxSegmentDuration longest audio per file, zero for no limit
 * @param maxFileDataBytes   largest data chunk of one file (the RIFF limit; smaller in tests)
 */
public record AssemblyOptions(Duration reorderWindow, GapHandling.Policy gapPolicy, Duration maxSilence,
                              Duration minPause, OutputFormat format, Duration maxSegmentDuration,
                              long maxFileDataBytes) {

    /** The defaults of the configuration, with the real RIFF limit. */
    public static AssemblyOptions defaults() {
        return new AssemblyOptions(Duration.ofMillis(500), GapHandling.Policy.COLLAPSE, Duration.ofMinutes(5),
                Duration.ofSeconds(1), OutputFormat.PCM16, Duration.ZERO, WavHeader.MAX_DATA_BYTES);
    }

    public AssemblyOptions withFormat(OutputFormat f) {
        return new AssemblyOptions(reorderWindow, gapPolicy, maxSilence, minPause, f, maxSegmentDuration, maxFileDataBytes);
    }

    public AssemblyOptions withGaps(GapHandling.Policy p, Duration max) {
        return new AssemblyOptions(reorderWindow, p, max, minPause, format, maxSegmentDuration, maxFileDataBytes);
    }

    public AssemblyOptions withSegments(Duration maxDuration, long maxFileBytes) {
        return new AssemblyOptions(reorderWindow, gapPolicy, maxSilence, minPause, format, maxDuration, maxFileBytes);
    }
}
