package org.callrec.core.audio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link G722Decoder} on a committed bitstream and ffmpeg's decode of it (see
 * {@code src/test/resources/g722/README.md}), so the decoder is checked against an independent
 * implementation even where ffmpeg is not installed. {@link G722FfmpegTest} does the same on a
 * longer signal with ffmpeg itself.
 */
class G722DecoderTest {

    @Test
    @DisplayName("decodes ffmpeg's G.722 bitstream to exactly ffmpeg's samples (committed fixture)")
    void decodesTheFixtureBitExactly() throws IOException {
        byte[] bitstream = resource("tones-sweep-noise.g722");
        short[] expected = pcm(resource("tones-sweep-noise.ffmpeg.s16le"));

        short[] decoded = new short[2 * bitstream.length];
        int written = new G722Decoder().decode(bitstream, 0, bitstream.length, decoded, 0);

        assertThat(written).isEqualTo(2 * bitstream.length).isEqualTo(expected.length);
        double snr = G722Signals.snrDb(decoded, expected);
        System.out.printf("G.722 fixture: our decoder vs ffmpeg 5.1.9, %d samples, SNR %s%n", written,
                Double.isInfinite(snr) ? "infinite (bit-exact)" : String.format("%.2f dB", snr));
        assertThat(decoded).containsExactly(expected);
    }

    @Test
    @DisplayName("is a stream decoder: decoding in pieces (one RTP packet at a time) gives the same samples as in one go")
    void decodingInPiecesEqualsDecodingAtOnce() throws IOException {
        byte[] bitstream = resource("tones-sweep-noise.g722");
        short[] whole = new short[2 * bitstream.length];
        new G722Decoder().decode(bitstream, 0, bitstream.length, whole, 0);

        // 160-byte packets (20 ms), then an odd remainder, into a larger array at an offset
        G722Decoder decoder = new G722Decoder();
        short[] pieces = new short[2 * bitstream.length + 7];
        int at = 7;
        for (int off = 0; off < bitstream.length; off += 160) {
            at += decoder.decode(bitstream, off, Math.min(160, bitstream.length - off), pieces, at);
        }

        assertThat(Arrays.copyOfRange(pieces, 7, pieces.length)).containsExactly(whole);
    }

    @Test
    @DisplayName("reset() forgets the stream: what follows decodes as from a new decoder")
    void resetStartsANewStream() throws IOException {
        byte[] bitstream = resource("tones-sweep-noise.g722");
        short[] fresh = new short[400];
        new G722Decoder().decode(bitstream, 1000, 200, fresh, 0);

        G722Decoder decoder = new G722Decoder();
        decoder.decode(bitstream, 0, 1000, new short[2000], 0);
        short[] continued = new short[400];
        decoder.decode(bitstream, 1000, 200, continued, 0);
        decoder.reset();
        short[] afterReset = new short[400];
        decoder.decode(bitstream, 1000, 200, afterReset, 0);

        assertThat(continued).isNotEqualTo(fresh);  // the state matters
        assertThat(afterReset).containsExactly(fresh);
    }

    @Test
    @DisplayName("the all-silence byte pattern of an idle encoder decodes to near silence, and nothing to nothing")
    void idleEncoderOutputDecodesToSilence() {
        short[] zeros = new short[640];
        byte[] encoded = new byte[320];
        new G722Encoder().encode(zeros, 0, zeros.length, encoded, 0);

        short[] decoded = new short[640];
        G722Decoder decoder = new G722Decoder();
        assertThat(decoder.decode(encoded, 0, 0, decoded, 0)).isZero();
        assertThat(decoder.decode(encoded, 0, encoded.length, decoded, 0)).isEqualTo(640);

        for (short s : decoded) {
            assertThat(Math.abs(s)).isLessThanOrEqualTo(8);
        }
    }

    @Test
    @DisplayName("after lost packets, keeping the state (what storage does) stays closer to the lossless decode than resetting")
    void keepingTheStateAcrossLossBeatsResetting() {
        short[] source = G722Signals.tonesSweepNoise(6.0);
        byte[] bitstream = new byte[source.length / 2];
        new G722Encoder().encode(source, 0, source.length, bitstream, 0);
        short[] lossless = new short[source.length];
        new G722Decoder().decode(bitstream, 0, bitstream.length, lossless, 0);

        // 20 ms packets (160 bytes); every 10th and every 37th is lost and becomes silence
        double[] snr = new double[2];
        for (int mode = 0; mode < 2; mode++) {
            G722Decoder decoder = new G722Decoder();
            short[] decoded = new short[source.length];
            short[] reference = lossless.clone();
            for (int p = 0; p < bitstream.length / 160; p++) {
                if (p % 10 == 5 || p % 37 == 20) {
                    Arrays.fill(reference, p * 320, (p + 1) * 320, (short) 0);
                    if (mode == 1) {
                        decoder.reset();
                    }
                    continue;
                }
                decoder.decode(bitstream, p * 160, 160, decoded, p * 320);
            }
            snr[mode] = G722Signals.snrDb(decoded, reference);
        }
        System.out.printf("G.722 across loss (13 %% of packets lost) vs the lossless decode with silence in the "
                + "gaps: state kept %.2f dB, state reset %.2f dB%n", snr[0], snr[1]);
        assertThat(snr[0]).isGreaterThan(snr[1] + 5);
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = G722DecoderTest.class.getResourceAsStream("/g722/" + name)) {
            assertThat(in).as("fixture " + name).isNotNull();
            return in.readAllBytes();
        }
    }

    static short[] pcm(byte[] s16le) {
        short[] s = new short[s16le.length / 2];
        ByteBuffer.wrap(s16le).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(s);
        return s;
    }
}
