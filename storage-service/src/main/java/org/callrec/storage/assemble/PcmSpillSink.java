package org.callrec.storage.assemble;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

import org.callrec.core.audio.AudioCodec;
import org.callrec.core.audio.G711;
import org.callrec.core.timeline.TimelineAssembler;

/**
 * Receives a recording's timeline and writes it as 16-bit little-endian PCM at the codec's
 * sample rate: G.711 bytes are decoded one sample each, silence becomes zero samples
 * ({@code units × sampleRate / clockRate}). Only PCMA and PCMU are supported.
 *
 * <p>Writes go through a buffered stream; the heap this sink holds does not grow with the length
 * of the call. Write failures surface as {@link UncheckedIOException} (the Sink interface cannot
 * throw checked exceptions). Not thread-safe.
 */
public final class PcmSpillSink implements TimelineAssembler.Sink, Closeable {

    static final int BUFFER_BYTES = 32 * 1024;
    private static final byte[] ZEROS = new byte[4096];
    private static final short[] ALAW = table(AudioCodec.PCMA);
    private static final short[] ULAW = table(AudioCodec.PCMU);

    private final OutputStream out;
    private final short[] decode;
    private final int sampleRate;
    private final int clockRate;
    private byte[] scratch = new byte[2 * 320];
    private long silenceRemainder;
    private long bytes;

    /**
     * @param out   where the PCM goes (wrapped in a buffer; closed by {@link #close()})
     * @param codec PCMA or PCMU
     * @throws IllegalArgumentException for a codec this sink cannot decode
     */
    public PcmSpillSink(OutputStream out, AudioCodec codec) {
        if (!supports(codec)) {
            throw new IllegalArgumentException("no decoder for " + codec);
        }
        this.out = new BufferedOutputStream(out, BUFFER_BYTES);
        this.decode = codec == AudioCodec.PCMA ? ALAW : ULAW;
        this.sampleRate = codec.sampleRate();
        this.clockRate = codec.rtpClockRate();
    }

    /** Whether this sink can decode {@code codec}. */
    public static boolean supports(AudioCodec codec) {
        return codec == AudioCodec.PCMA || codec == AudioCodec.PCMU;
    }

    @Override
    public void audio(byte[] buf, int off, int len) {
        if (scratch.length < 2 * len) {
            scratch = new byte[2 * len];
        }
        for (int i = 0; i < len; i++) {
            short s = decode[buf[off + i] & 0xFF];
            scratch[2 * i] = (byte) s;
            scratch[2 * i + 1] = (byte) (s >> 8);
        }
        write(scratch, 2 * len);
    }

    @Override
    public void silence(long units) {
        long scaled = units * sampleRate + silenceRemainder;
        long samples = scaled / clockRate;
        silenceRemainder = scaled % clockRate;
        for (long left = 2 * samples; left > 0; ) {
            int n = (int) Math.min(left, ZEROS.length);
            write(ZEROS, n);
            left -= n;
        }
    }

    /** PCM bytes written so far. */
    public long bytes() {
        return bytes;
    }

    /** Sample rate of the PCM written. */
    public int sampleRate() {
        return sampleRate;
    }

    /** Flushes and closes the underlying stream. */
    @Override
    public void close() throws IOException {
        out.close();
    }

    private void write(byte[] b, int len) {
        try {
            out.write(b, 0, len);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        bytes += len;
    }

    private static short[] table(AudioCodec codec) {
        short[] t = new short[256];
        for (int i = 0; i < 256; i++) {
            t[i] = codec == AudioCodec.PCMA ? G711.alawToLinear((byte) i) : G711.ulawToLinear((byte) i);
        }
        return t;
    }
}
