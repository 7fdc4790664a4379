package org.callrec.storage.assemble;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

import org.callrec.core.audio.AudioCodec;
import org.callrec.core.audio.PayloadDecoder;
import org.callrec.core.timeline.TimelineAssembler;

/**
 * Receives a recording's timeline and writes it as 16-bit little-endian PCM at the codec's
 * sample rate, through the codec's {@link PayloadDecoder}: G.711 bytes are one 8 kHz sample each,
 * G.722 bytes two 16 kHz samples each. Silence becomes zero samples, sized in output samples
 * ({@code units × sampleRate / clockRate}: G.722's RTP clock counts 8 kHz units, its audio is
 * 16 kHz, so one unit of silence is two samples). The G.722 decoder keeps its state across
 * silence (loss) and starts over on {@link #newStream()} (SSRC change).
 *
 * <p>Writes go through a buffered stream; the heap this sink holds does not grow with the length
 * of the call. Write failures surface as {@link UncheckedIOException} (the Sink interface cannot
 * throw checked exceptions). Not thread-safe.
 */
public final class PcmSpillSink implements TimelineAssembler.Sink, Closeable {

    static final int BUFFER_BYTES = 32 * 1024;
    private static final byte[] ZEROS = new byte[4096];

    private final OutputStream out;
    private final PayloadDecoder decoder;
    private final int sampleRate;
    private final int clockRate;
    private short[] samples = new short[2 * 320];
    private byte[] scratch = new byte[4 * 320];
    private long silenceRemainder;
    private long bytes;

    /**
     * @param out   where the PCM goes (wrapped in a buffer; closed by {@link #close()})
     * @param codec the recording's codec
     */
    public PcmSpillSink(OutputStream out, AudioCodec codec) {
        this.out = new BufferedOutputStream(out, BUFFER_BYTES);
        this.decoder = PayloadDecoder.of(codec);
        this.sampleRate = codec.sampleRate();
        this.clockRate = codec.rtpClockRate();
    }

    /** Whether this sink can decode {@code codec} (every codec a recording can announce). */
    public static boolean supports(AudioCodec codec) {
        return codec != null;
    }

    @Override
    public void audio(byte[] buf, int off, int len) {
        int n = len * decoder.samplesPerUnit();
        if (samples.length < n) {
            samples = new short[n];
            scratch = new byte[2 * n];
        }
        decoder.decode(buf, off, len, samples, 0);
        for (int i = 0; i < n; i++) {
            short s = samples[i];
            scratch[2 * i] = (byte) s;
            scratch[2 * i + 1] = (byte) (s >> 8);
        }
        write(scratch, 2 * n);
    }

    @Override
    public void newStream() {
        decoder.reset();
    }

    @Override
    public void silence(long units) {
        long scaled = units * sampleRate + silenceRemainder;
        long zeroSamples = scaled / clockRate;
        silenceRemainder = scaled % clockRate;
        for (long left = 2 * zeroSamples; left > 0; ) {
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
}
