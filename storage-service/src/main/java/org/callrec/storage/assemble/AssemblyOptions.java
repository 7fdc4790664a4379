package org.callrec.storage.assemble;

import java.time.Duration;

import org.callrec.core.audio.WavHeader;
import org.callrec.core.timeline.GapHandling;
import org.callrec.core.timeline.TimelineCaps;

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
 * @param maxRecordingBytes  largest audio of one recording, all segments ({@code storage.limits.max-recording-bytes})
 * @param audioSlack         how far the audio may run ahead of the arrival time, beyond the window
 *                           ({@code storage.limits.audio-slack})
 * @param maxGapsListed      most gaps listed ({@code storage.limits.max-gaps-listed})
 */
public record AssemblyOptions(Duration reorderWindow, GapHandling.Policy gapPolicy, Duration maxSilence,
                              Duration minPause, OutputFormat format, Duration maxSegmentDuration,
                              long maxFileDataBytes, long maxRecordingBytes, Duration audioSlack, int maxGapsListed) {

    /** The defaults of the configuration, with the real RIFF limit. */
    public static AssemblyOptions defaults() {
        return new AssemblyOptions(Duration.ofMillis(500), GapHandling.Policy.COLLAPSE, Duration.ofMinutes(5),
                Duration.ofSeconds(1), OutputFormat.PCM16, Duration.ZERO, WavHeader.MAX_DATA_BYTES, 256L << 20,
                Duration.ofSeconds(2), TimelineCaps.DEFAULT_GAPS_LISTED);
    }

    public AssemblyOptions withFormat(OutputFormat f) {
        return new AssemblyOptions(reorderWindow, gapPolicy, maxSilence, minPause, f, maxSegmentDuration, maxFileDataBytes,
                maxRecordingBytes, audioSlack, maxGapsListed);
    }

    public AssemblyOptions withGaps(GapHandling.Policy p, Duration max) {
        return new AssemblyOptions(reorderWindow, p, max, minPause, format, maxSegmentDuration, maxFileDataBytes,
                maxRecordingBytes, audioSlack, maxGapsListed);
    }

    public AssemblyOptions withSegments(Duration maxDuration, long maxFileBytes) {
        return new AssemblyOptions(reorderWindow, gapPolicy, maxSilence, minPause, format, maxDuration, maxFileBytes,
                maxRecordingBytes, audioSlack, maxGapsListed);
    }

    public AssemblyOptions withLimits(long maxBytes, Duration slack, int gapsListed) {
        return new AssemblyOptions(reorderWindow, gapPolicy, maxSilence, minPause, format, maxSegmentDuration,
                maxFileDataBytes, maxBytes, slack, gapsListed);
    }

    /** The timeline caps for a codec of {@code clockRate} whose audio is stored as {@code format}. */
    public TimelineCaps caps(WavFormat stored, int clockRate) {
        long bytesPerUnit = Math.max(1, stored.byteRate() / clockRate);
        return new TimelineCaps(GapHandling.units(reorderWindow.plus(audioSlack), clockRate),
                maxRecordingBytes / bytesPerUnit, maxGapsListed);
    }
}
