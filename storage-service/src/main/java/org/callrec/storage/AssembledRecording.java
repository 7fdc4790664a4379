package org.callrec.storage;

import java.nio.file.Path;

import org.callrec.core.chunk.RecordingEnded;
import org.callrec.core.chunk.RecordingStarted;
import org.callrec.core.timeline.TimelineStats;

/**
 * A recording whose timeline is complete: handed from the consumer thread to the upload pool.
 * The audio is in {@code spillFile} (16-bit little-endian mono PCM, no header).
 *
 * @param start      the START record
 * @param end        the END record (or the one made up when the recording was abandoned)
 * @param stats      what the timeline assembler saw
 * @param spillFile  the decoded audio
 * @param pcmBytes   length of the audio in the spill file
 * @param sampleRate samples per second of the audio
 */
public record AssembledRecording(RecordingStarted start, RecordingEnded end, TimelineStats stats, Path spillFile,
                                 long pcmBytes, int sampleRate) {

    public String recordingId() {
        return start.recordingId();
    }
}
