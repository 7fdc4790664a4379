package org.callrec.storage.assemble;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.callrec.core.audio.WavHeader;

/**
 * The audio bytes of one recording, written to one spill file per segment: once a segment holds
 * {@code maxBytes}, the next byte opens the next file. {@code maxBytes} is a whole number of
 * sample frames, so a cut never splits a sample. The first file is created at once (so a
 * recording without audio still has one, empty, segment); later ones only when bytes come for
 * them. Creates and writes go through {@link SpillIo} (positional writes, retried). Not
 * thread-safe.
 *
 * <p>Each spill file is the segment's WAV file: the audio goes after room for the
 * {@value WavHeader#LENGTH}-byte header, which is written when the segment is closed (its sizes
 * are known then). A closed segment's file is uploaded as it is, streamed from disk.
 */
public final class SegmentedOutput extends OutputStream {

    /**
     * One segment's spill file.
     *
     * @param file       the spill file (once closed, a complete WAV file)
     * @param bytes      audio bytes in it (after its header)
     * @param startBytes audio bytes of the recording before it
     */
    public record Segment(Path file, long bytes, long startBytes) {

        /** Bytes of the file: its WAV header and the audio. */
        public long fileBytes() {
            return WavHeader.LENGTH + bytes;
        }
    }

    private final Supplier<Path> newFile;
    private final long maxBytes;
    private final WavFormat format;
    private final SpillIo io;
    private final List<Segment> closed = new ArrayList<>();
    private Path currentFile;
    private FileChannel current;
    private long currentBytes;
    private long startBytes;
    private boolean done;

    /**
     * @param newFile  a new, not yet existing path per call
     * @param maxBytes largest segment's audio (positive)
     * @param format   the audio's format, for the files' headers
     * @throws IOException if the first file cannot be created
     */
    public SegmentedOutput(Supplier<Path> newFile, long maxBytes, WavFormat format) throws IOException {
        this(newFile, maxBytes, format, SpillIo.defaults());
    }

    /** As above, through {@code io}. */
    public SegmentedOutput(Supplier<Path> newFile, long maxBytes, WavFormat format, SpillIo io) throws IOException {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("segment limit " + maxBytes);
        }
        this.newFile = newFile;
        this.maxBytes = maxBytes;
        this.format = format;
        this.io = io;
        open();
    }

    /**
     * The largest segment for a format: {@code maxDuration} of audio (none when zero), never more
     * than {@code hardLimitBytes} (the RIFF limit), both rounded down to whole sample frames.
     */
    public static long segmentBytes(WavFormat format, java.time.Duration maxDuration, long hardLimitBytes) {
        long frame = format.blockAlign();
        long max = hardLimitBytes / frame * frame;
        if (!maxDuration.isZero() && !maxDuration.isNegative()) {
            long millis = maxDuration.toMillis();
            long frames = millis > Long.MAX_VALUE / format.sampleRate() ? Long.MAX_VALUE
                    : millis * format.sampleRate() / 1000;
            if (frames <= max / frame) {
                max = Math.max(frame, frames * frame);
            }
        }
        return Math.max(frame, max);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (currentBytes == maxBytes) {
                roll();
            }
            int n = (int) Math.min(len, maxBytes - currentBytes);
            io.write(current, b, off, n, WavHeader.LENGTH + currentBytes);
            currentBytes += n;
            off += n;
            len -= n;
        }
    }


    /** Closes the current segment; {@link #segments()} is complete afterwards. */
    @Override
    public void close() throws IOException {
        if (done) {
            return;
        }
        done = true;
        closeCurrent();
    }

    /** The segments so far (all of them after {@link #close()}), in order. */
    public List<Segment> segments() {
        List<Segment> all = new ArrayList<>(closed);
        if (current != null) {
            all.add(new Segment(currentFile, currentBytes, startBytes));
        }
        return all;
    }

    /** Every spill file created, open or closed. */
    public List<Path> files() {
        return segments().stream().map(Segment::file).toList();
    }

    private void roll() throws IOException {
        long before = startBytes + currentBytes;
        closeCurrent();
        startBytes = before;
        open();
    }

    private void open() throws IOException {
        currentFile = newFile.get();
        try {
            current = io.create(currentFile);
        } catch (IOException e) {
            try {
                java.nio.file.Files.deleteIfExists(currentFile); // whatever a failed try left
            } catch (IOException alsoFailing) {
                // the directory itself is the problem: nothing was left there
            }
            throw e;
        }
        currentBytes = 0;
    }

    private void closeCurrent() throws IOException {
        if (current == null) {
            return;
        }
        Segment s = new Segment(currentFile, currentBytes, startBytes);
        FileChannel c = current;
        current = null;
        closed.add(s);
        try {
            byte[] header = format.header(currentBytes);
            io.write(c, header, 0, header.length, 0);
        } finally {
            c.close();
        }
    }
}
