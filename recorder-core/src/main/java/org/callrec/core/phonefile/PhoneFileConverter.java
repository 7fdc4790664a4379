package org.callrec.core.phonefile;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.callrec.core.audio.PayloadDecoder;
import org.callrec.core.audio.WavHeader;

/**
 * Converts a phone recording to 16-bit little-endian mono PCM at the codec's sample rate
 * (8 kHz for PCMA/PCMU, 16 kHz for G.722), as a WAV file or as bare samples. Streams: memory
 * does not depend on the file's size. The WAV header is written first, from the length the
 * file's header announces; audio beyond what a RIFF file can hold (4 GiB) is cut, with a
 * warning.
 */
public final class PhoneFileConverter {

    private PhoneFileConverter() {
    }

    /**
     * The outcome of one conversion.
     *
     * @param header     the file's header
     * @param layout     detected byte order and framing
     * @param units      data units converted
     * @param duration   playing time as the phone computes it ({@code units × increment / clock})
     * @param sampleRate samples per second of the PCM
     * @param pcmBytes   bytes of PCM written (the WAV data chunk)
     * @param stats      what the units' RTP headers said
     * @param warnings   anything odd but not fatal, in words
     */
    public record Conversion(PhoneFileHeader header, PhoneFileLayout layout, long units, Duration duration,
                             int sampleRate, long pcmBytes, PhoneFileStats stats, List<String> warnings) {

        public Conversion {
            warnings = List.copyOf(warnings);
        }

        /** Seconds of PCM written. */
        public double audioSeconds() {
            return (double) (pcmBytes / 2) / sampleRate;
        }
    }

    /** Reads a phone recording from {@code in} and writes a WAV file (44-byte header, then PCM) to {@code out}. */
    public static Conversion toWav(InputStream in, OutputStream out) throws IOException {
        return convert(in, out, true);
    }

    /** As {@link #toWav}, without the WAV header: bare 16-bit little-endian samples. */
    public static Conversion toPcm(InputStream in, OutputStream out) throws IOException {
        return convert(in, out, false);
    }

    private static Conversion convert(InputStream in, OutputStream out, boolean wavHeader) throws IOException {
        try (PhoneFileReader reader = PhoneFileReader.open(in)) {
            PhoneFileHeader h = reader.header();
            PayloadDecoder decoder = PayloadDecoder.of(h.codec());
            List<String> warnings = new ArrayList<>();
            int pcmPerPayloadByte = 2 * h.codec().sampleRate() / h.codec().rtpClockRate();
            long pcmBytes = reader.units() * reader.payloadLength() * pcmPerPayloadByte;
            long max = WavHeader.MAX_DATA_BYTES & ~1L;
            if (pcmBytes > max) {
                warnings.add("the audio (" + pcmBytes + " bytes of PCM) exceeds what a WAV file holds; cut at " + max);
                pcmBytes = max;
            }
            if (reader.payloadLength() != h.increment()) {
                warnings.add("a unit holds " + reader.payloadLength() + " payload bytes but the timestamp increment is "
                        + h.increment() + ": the duration (from increment) and the audio length differ");
            }
            if (wavHeader) {
                out.write(WavHeader.pcm16Mono(h.codec().sampleRate(), pcmBytes));
            }
            byte[] payload = new byte[reader.payloadLength()];
            short[] samples = new short[reader.payloadLength() * pcmPerPayloadByte / 2];
            ByteBuffer pcm = ByteBuffer.allocate(samples.length * 2).order(ByteOrder.LITTLE_ENDIAN);
            long left = pcmBytes;
            while (reader.readPayload(payload, 0) > 0) {
                int n = decoder.decode(payload, 0, payload.length, samples, 0);
                pcm.clear();
                for (int i = 0; i < n; i++) {
                    pcm.putShort(samples[i]);
                }
                int take = (int) Math.min(left, pcm.position());
                out.write(pcm.array(), 0, take);
                left -= take;
            }
            PhoneFileStats stats = reader.stats();
            if (stats.malformedHeaders() > 0) {
                warnings.add(stats.malformedHeaders() + " unit(s) without a plain RTP header (payload kept)");
            }
            if (stats.timestampJumps() > 0) {
                warnings.add(stats.timestampJumps() + " timestamp jump(s) (a pause?) played back to back, as the phone does");
            }
            return new Conversion(h, reader.layout(), reader.units(), reader.duration(), h.codec().sampleRate(), pcmBytes,
                    stats, warnings);
        }
    }
}
