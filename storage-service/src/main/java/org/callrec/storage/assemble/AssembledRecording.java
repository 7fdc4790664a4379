package org.callrec.storage.assemble;

import java.util.List;

import org.callrec.core.chunk.RecordingEnded;
import org.callrec.core.chunk.RecordingStarted;
import org.callrec.core.timeline.TimelineStats;

/**
 * A recording whose timeline is complete: handed from the consumer thread to the upload pool.
 * The audio is in the segments' spill files (in {@code format}, each a complete WAV file), in order.
 *
 * @param start    the START record
 * @param end      the END record (or the one made up when the recording was abandoned)
 * @param stats    what the timeline assembler saw
 * @param format   format of the audio bytes
 * @param segments the spill files, one per WAV file to store (at least one)
 * @param firstArrivalMillis arrival of its first packet (ingest's clock), or {@link Long#MIN_VALUE} if none came
 */
public record AssembledRecording(RecordingStarted start, RecordingEnded end, TimelineStats stats, WavFormat format,
                                 List<SegmentedOutput.Segment> segments, long firstArrivalMillis) {

    public AssembledRecording {
        segments = List.copyOf(segments);
    }

    /** A recording whose first packet's arrival is not known. */
    public AssembledRecording(RecordingStarted start, RecordingEnded end, TimelineStats stats, WavFormat format,
                              List<SegmentedOutput.Segment> segments) {
        this(start, end, stats, format, segments, Long.MIN_VALUE);
    }

    public String recordingId() {
        return start.recordingId();
    }

    /** Audio bytes of all segments. */
    public long dataBytes() {
        return segments.stream().mapToLong(SegmentedOutput.Segment::bytes).sum();
    }
}
