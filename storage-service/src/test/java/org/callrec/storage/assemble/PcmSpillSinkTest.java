package org.callrec.storage.assemble;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import org.callrec.core.audio.AudioCodec;
import org.callrec.core.audio.G722Decoder;
import org.callrec.core.audio.G722Encoder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PcmSpillSinkTest {

    @Test
    void decodesALawToSixteenBitLittleEndian() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PcmSpillSink sink = new PcmSpillSink(out, AudioCodec.PCMA);

        // A-law 0xD5 is +8 (the smallest positive step), 0x55 is -8, 0xAA is +32256, 0x2A is -32256
        byte[] payload = {(byte) 0xD5, 0x55, (byte) 0xAA, 0x2A};
        sink.audio(new byte[] {0, 0, payload[0], payload[1], payload[2], payload[3], 0}, 2, 4);
        sink.close();

        assertThat(out.toByteArray()).containsExactly(
                0x08, 0x00,                 // +8
                0xF8, 0xFF,                 // -8
                0x00, 0x7E,                 // +32256 = 0x7E00
                0x00, 0x82);                // -32256 = 0x8200
        assertThat(sink.bytes()).isEqualTo(8);
    }

    @Test
    void decodesMuLaw() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PcmSpillSink sink = new PcmSpillSink(out, AudioCodec.PCMU);

        // µ-law 0xFF is 0, 0x80 is +32124, 0x00 is -32124
        sink.audio(new byte[] {(byte) 0xFF, (byte) 0x80, 0x00}, 0, 3);
        sink.close();

        assertThat(out.toByteArray()).containsExactly(0x00, 0x00, 0x7C, 0x7D, 0x84, 0x82);
    }

    @Test
    void silenceIsZeroSamplesOnePerRtpUnitForG711() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PcmSpillSink sink = new PcmSpillSink(out, AudioCodec.PCMA);

        sink.silence(160);
        sink.audio(new byte[] {(byte) 0xD5}, 0, 1);
        sink.silence(10_000); // longer than the sink's block of zeros
        sink.close();

        byte[] pcm = out.toByteArray();
        assertThat(pcm).hasSize(2 * (160 + 1 + 10_000));
        assertThat(pcm[320]).isEqualTo((byte) 0x08);
        for (int i = 0; i < pcm.length; i++) {
            if (i != 320) {
                assertThat(pcm[i]).as("byte %d", i).isZero();
            }
        }
    }

    @Test
    @DisplayName("G.722: each payload byte is two 16 kHz samples, one RTP unit of silence is two zero samples")
    void g722IsTwoSamplesPerUnitAndSilenceIsSizedInSamples() throws IOException {
        short[] tone = new short[640];
        for (int i = 0; i < tone.length; i++) {
            tone[i] = (short) (6000 * Math.sin(2 * Math.PI * 500 * i / 16000.0));
        }
        byte[] g722 = new byte[320];
        new G722Encoder().encode(tone, 0, tone.length, g722, 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PcmSpillSink sink = new PcmSpillSink(out, AudioCodec.G722);

        sink.audio(g722, 0, 160);   // 20 ms
        sink.silence(160);          // a lost 20 ms packet: 160 RTP units
        sink.audio(g722, 160, 160); // 20 ms, decoded with the state carried over the loss
        sink.close();

        assertThat(sink.sampleRate()).isEqualTo(16000);
        assertThat(sink.bytes()).isEqualTo(2L * 3 * 320);
        short[] pcm = samples(out.toByteArray());
        short[] expected = new short[640];
        G722Decoder decoder = new G722Decoder();
        decoder.decode(g722, 0, 320, expected, 0);
        assertThat(Arrays.copyOfRange(pcm, 0, 320)).containsExactly(Arrays.copyOfRange(expected, 0, 320));
        assertThat(Arrays.copyOfRange(pcm, 320, 640)).containsOnly((short) 0);
        assertThat(Arrays.copyOfRange(pcm, 640, 960)).containsExactly(Arrays.copyOfRange(expected, 320, 640));
    }

    @Test
    @DisplayName("G.722: a new stream (SSRC change) resets the decoder")
    void g722NewStreamResetsTheDecoder() throws IOException {
        short[] tone = new short[640];
        for (int i = 0; i < tone.length; i++) {
            tone[i] = (short) (6000 * Math.sin(2 * Math.PI * 700 * i / 16000.0));
        }
        byte[] g722 = new byte[320];
        new G722Encoder().encode(tone, 0, tone.length, g722, 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PcmSpillSink sink = new PcmSpillSink(out, AudioCodec.G722);

        sink.audio(g722, 0, 320);
        sink.newStream();
        sink.audio(g722, 0, 160); // the new stream's encoder started afresh: same bytes, same samples
        sink.close();

        short[] pcm = samples(out.toByteArray());
        assertThat(Arrays.copyOfRange(pcm, 640, 960)).containsExactly(Arrays.copyOfRange(pcm, 0, 320));
    }

    private static short[] samples(byte[] b) {
        short[] s = new short[b.length / 2];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(s);
        return s;
    }
}
