package org.callrec.storage.assemble;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

import org.callrec.core.audio.AudioCodec;
import org.callrec.core.timeline.TimelineAssembler;

/**
 * Receives a PCMA or PCMU recording's timeline and writes the G.711 bytes as they came off the
 * wire (one byte per RTP timestamp unit); silence becomes the codec's silence byte: {@code 0xD5}
 * for A-law, {@code 0xFF} for µ-law (both decode to the smallest positive level, ±0). Not
 * thread-safe.
 */
public final class G711SpillSink implements TimelineAssembler.Sink, Closeable {

    /** A-law silence (decodes to +8 of 32768). */
    public static final byte ALAW_SILENCE = (byte) 0xD5;
    /** µ-law silence (decodes to 0). */
    public static final byte ULAW_SILENCE = (byte) 0xFF;

    private final OutputStream out;
    private final byte[] silence = new byte[4096];
    private long bytes;

    /**
     * @param out   where the bytes go (wrapped in a buffer; closed by {@link #close()})
     * @param codec PCMA or PCMU
     */
    public G711SpillSink(OutputStream out, AudioCodec codec) {
        if (codec != AudioCodec.PCMA && codec != AudioCodec.PCMU) {
            throw new IllegalArgumentException("not G.711: " + codec);
        }
        this.out = new BufferedOutputStream(out, PcmSpillSink.BUFFER_BYTES);
        Arrays.fill(silence, codec == AudioCodec.PCMA ? ALAW_SILENCE : ULAW_SILENCE);
    }

    @Override
    public void audio(byte[] buf, int off, int len) {
        write(buf, off, len);
    }

    @Override
    public void silence(long units) {
        for (long left = units; left > 0; ) {
            int n = (int) Math.min(left, silence.length);
            write(silence, 0, n);
            left -= n;
        }
    }

    /** Bytes written so far. */
    public long bytes() {
        return bytes;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    private void write(byte[] b, int off, int len) {
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        bytes += len;
    }
}
