package org.callrec.storage.assemble;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.Supplier;

import org.callrec.core.audio.AudioCodec;
import org.callrec.core.audio.WavHeader;
import org.callrec.core.chunk.MediaChunk;
import org.callrec.core.chunk.RecordingEnded;
import org.callrec.core.chunk.RecordingStarted;
import org.callrec.core.timeline.GapHandling;
import org.callrec.core.timeline.TimelineAssembler;
import org.callrec.core.timeline.TimelineCap;

/**
 * One open recording: its MEDIA chunks go through a {@link TimelineAssembler} into a sink writing
 * the audio in the stored format ({@link PcmSpillSink} decoding to 16-bit PCM, or
 * {@link G711SpillSink} keeping the G.711 bytes) through a {@link SegmentedOutput} that rolls
 * over to a new spill file at the segment limit. What it keeps on the heap is bounded by the
 * reorder window and the write buffer, not by the length of the call. Used by the consumer
 * thread only.
 */
public final class RecordingAssembly {

    private final RecordingStarted start;
    private final WavFormat format;
    private final SegmentedOutput output;
    private final Closeable sink;
    private final TimelineAssembler timeline;
    private long chunks;
    private long lastArrivalMicros = Long.MIN_VALUE;
    private long firstArrivalMicros = Long.MAX_VALUE;
    private boolean closed;

    private RecordingAssembly(RecordingStarted start, WavFormat format, SegmentedOutput output, Closeable sink,
                              TimelineAssembler timeline) {
        this.start = start;
        this.format = format;
        this.output = output;
        this.sink = sink;
        this.timeline = timeline;
    }

    /** Whether recordings in {@code codec} can be assembled (PCMA, PCMU and G.722 can). */
    public static boolean supports(AudioCodec codec) {
        return PcmSpillSink.supports(codec);
    }

    /**
     * Creates the first spill file and the timeline of a recording.
     *
     * @param spillFiles a new spill file path per call (one per segment)
     * @throws IllegalArgumentException for an unsupported codec
     * @throws IOException              if the spill file cannot be created
     */
    public static RecordingAssembly open(RecordingStarted start, Supplier<Path> spillFiles, AssemblyOptions options)
            throws IOException {
        return open(start, spillFiles, options, SpillIo.defaults());
    }

    /** As above, writing through {@code io}. */
    public static RecordingAssembly open(RecordingStarted start, Supplier<Path> spillFiles, AssemblyOptions options,
                                         SpillIo io) throws IOException {
        AudioCodec codec = start.codec();
        if (!supports(codec)) {
            throw new IllegalArgumentException("no decoder for " + codec);
        }
        WavFormat format = options.format().wavFormat(codec);
        SegmentedOutput output = new SegmentedOutput(spillFiles,
                SegmentedOutput.segmentBytes(format, options.maxSegmentDuration(), options.maxFileDataBytes()), format, io);
        TimelineAssembler.Sink sink = format.formatTag() == WavHeader.FORMAT_PCM
                ? new PcmSpillSink(output, codec) : new G711SpillSink(output, codec);
        int clock = codec.rtpClockRate();
        TimelineAssembler timeline = new TimelineAssembler(codec.payloadType(), clock,
                GapHandling.units(options.reorderWindow(), clock),
                GapHandling.of(options.gapPolicy(), options.maxSilence(), options.minPause(), clock),
                options.caps(format, clock), sink);
        if (start.startedAtMillis() > 0 && start.startedAtMillis() < Long.MAX_VALUE / 1000) {
            timeline.startedAt(start.startedAtMillis() * 1000); // ingest's clock, as the arrival times
        }
        return new RecordingAssembly(start, format, output, (Closeable) sink, timeline);
    }

    public RecordingStarted start() {
        return start;
    }

    /** MEDIA records seen. */
    public long chunks() {
        return chunks;
    }

    /**
     * Feeds one MEDIA record value.
     *
     * @throws IllegalArgumentException if it is not a MEDIA record
     * @throws UncheckedIOException     if the spill file cannot be written
     */
    public void media(byte[] value) {
        MediaChunk chunk = MediaChunk.parse(value);
        chunks++;
        chunk.forEach((arrivalMicros, buf, off, len) -> {
            lastArrivalMicros = Math.max(lastArrivalMicros, arrivalMicros);
            firstArrivalMicros = Math.min(firstArrivalMicros, arrivalMicros);
            timeline.offer(arrivalMicros, buf, off, len);
        });
    }

    /**
     * The per-recording cap that ended the timeline ({@code storage.limits.*}), or null: the
     * recording is then to be stored as it stands, nothing more is added to it.
     */
    public TimelineCap capTripped() {
        return timeline.capTripped();
    }

    /** Arrival of the latest packet, epoch microseconds, or {@link Long#MIN_VALUE} before any. */
    public long lastArrivalMicros() {
        return lastArrivalMicros;
    }

    /**
     * Writes out what the reorder buffer still holds and closes the spill files.
     *
     * @throws IOException if a spill file cannot be written
     */
    public AssembledRecording finish(RecordingEnded end) throws IOException {
        try {
            timeline.finish();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            closed = true;
            sink.close();
        }
        return new AssembledRecording(start, end, timeline.stats(), format, output.segments(),
                firstArrivalMicros == Long.MAX_VALUE ? Long.MIN_VALUE : firstArrivalMicros / 1000);
    }

    /** Closes and deletes the spill files (the recording is dropped). */
    public void discard() {
        if (!closed) {
            closed = true;
            try {
                sink.close();
            } catch (IOException | UncheckedIOException e) {
                // deleted next anyway
            }
        }
        output.files().forEach(SpillFiles::delete);
    }
}
