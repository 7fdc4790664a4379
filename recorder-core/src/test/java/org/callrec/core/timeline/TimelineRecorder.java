package org.callrec.core.timeline;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** A {@link TimelineAssembler.Sink} that remembers what it was given, for assertions. */
final class TimelineRecorder implements TimelineAssembler.Sink {

    /** Marks a silent unit in {@link #units()}; audio units are 0..255. */
    static final int SILENT = -1;

    private final List<int[]> units = new ArrayList<>();
    private final ByteArrayOutputStream audio = new ByteArrayOutputStream();
    private final List<String> shape = new ArrayList<>();
    private final List<Long> newStreams = new ArrayList<>();
    private long length;

    @Override
    public void newStream() {
        newStreams.add(length);
    }

    /** Where (in units written before it) each {@link #newStream()} call came. */
    List<Long> newStreamsAt() {
        return newStreams;
    }

    @Override
    public void audio(byte[] buf, int off, int len) {
        int[] u = new int[len];
        for (int i = 0; i < len; i++) {
            u[i] = buf[off + i] & 0xFF;
        }
        units.add(u);
        audio.write(buf, off, len);
        run("audio", len);
        length += len;
    }

    @Override
    public void silence(long n) {
        int[] u = new int[(int) Math.min(n, 10_000_000)];
        java.util.Arrays.fill(u, SILENT);
        units.add(u);
        run("silence", n);
        length += n;
    }

    private void run(String kind, long n) {
        // adjacent runs of the same kind are one run
        if (!shape.isEmpty() && shape.get(shape.size() - 1).startsWith(kind + " ")) {
            String last = shape.remove(shape.size() - 1);
            n += Long.parseLong(last.substring(kind.length() + 1));
        }
        shape.add(kind + " " + n);
    }

    /** Runs of audio and silence, e.g. {@code ["audio 640", "silence 160", "audio 800"]}. */
    List<String> shape() {
        return shape;
    }

    /** Every audio byte, in order, silence left out. */
    byte[] audioBytes() {
        return audio.toByteArray();
    }

    /** The whole timeline, one entry per unit: the audio byte, or {@link #SILENT}. */
    int[] units() {
        return units.stream().flatMapToInt(java.util.Arrays::stream).toArray();
    }

    /** Units written, audio and silence. */
    long length() {
        return length;
    }
}
