package org.callrec.storage.assemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import org.callrec.core.audio.AudioCodec;
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
    void refusesG722ForWhichThereIsNoDecoderYet() {
        assertThatThrownBy(() -> new PcmSpillSink(new ByteArrayOutputStream(), AudioCodec.G722))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
