package org.callrec.storage.assemble;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

import org.callrec.core.audio.AudioCodec;
import org.callrec.core.chunk.MediaChunk;
import org.callrec.core.chunk.RecordingEnded;
import org.callrec.core.chunk.RecordingStarted;
import org.callrec.core.timeline.TimelineAssembler;
import org.callrec.storage.AssembledRecording;

/**
 * One open recording: its MEDIA chunks go through a {@link TimelineAssembler} into a
 * {@link PcmSpillSink} writing the spill file. What it keeps on the heap is bounded by the reorder
 * window and the write buffer, not by the length of the call. Used by the consumer thread only.
 */
public final class RecordingAssembly {

    private final RecordingStarted start;
    private final Path spillFile;
    private final PcmSpillSink sink;
    private final TimelineAssembler timeline;
    private long chunks;
    private long lastArrivalMicros = Long.MIN_VALUE;
    private boolean closed;

    private RecordingAssembly(RecordingStarted start, Path spillFile, PcmSpillSink sink, TimelineAssembler timeline) {
        this.start = start;
        this.spillFile = spillFile;
        this.sink = sink;
        this.timeline = timeline;
    }

    /** Whether recordings in {@code codec} can be assembled (PCMA, PCMU and G.722 can). */
    public static boolean supports(AudioCodec codec) {
        return PcmSpillSink.supports(codec);
    }

    /**
     * Creates the spill file and the timeline of a recording.
     *
     * @param reorderWindow how late a packet may be and still be put in place
     * @param maxGap        longest RTP hole filled with silence
     * @throws IllegalArgumentException for an unsupported codec
     * @throws IOException              if the spill file cannot be created
     */
    public static RecordingAssembly open(RecordingStarted start, Path spillFile, Duration reorderWindow,
                                         Duration maxGap) throws IOException {
        AudioCodec codec = start.codec();
        if (!supports(codec)) {
            throw new IllegalArgumentException("no decoder for " + codec);
        }
        PcmSpillSink sink = new PcmSpillSink(Files.newOutputStream(spillFile, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), codec);
        int clock = codec.rtpClockRate();
        TimelineAssembler timeline = new TimelineAssembler(codec.payloadType(), clock,
                units(reorderWindow, clock), units(maxGap, clock), sink);
        return new RecordingAssembly(start, spillFile, sink, timeline);
    }

    /** {@code d} in RTP timestamp units of a {@code clockRate} clock (saturating). */
    static long units(Duration d, int clockRate) {
        long millis = d.toMillis();
        if (millis > Long.MAX_VALUE / clockRate) {
            return Long.MAX_VALUE;
        }
        return millis * clockRate / 1000;
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
            timeline.offer(arrivalMicros, buf, off, len);
        });
    }

    /** Arrival of the latest packet, epoch microseconds, or {@link Long#MIN_VALUE} before any. */
    public long lastArrivalMicros() {
        return lastArrivalMicros;
    }

    /**
     * Writes out what the reorder buffer still holds and closes the spill file.
     *
     * @throws IOException if the spill file cannot be written
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
        return new AssembledRecording(start, end, timeline.stats(), spillFile, sink.bytes(), sink.sampleRate());
    }

    /** Closes and deletes the spill file (the recording is dropped). */
    public void discard() {
        if (!closed) {
            closed = true;
            try {
                sink.close();
            } catch (IOException | UncheckedIOException e) {
                // deleted next anyway
            }
        }
        SpillFiles.delete(spillFile);
    }
}
