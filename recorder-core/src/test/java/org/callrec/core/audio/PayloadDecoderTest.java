package org.callrec.core.audio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** One decoder per codec, behind one interface: what storage feeds the timeline's payloads to. */
class PayloadDecoderTest {

    @ParameterizedTest
    @EnumSource(AudioCodec.class)
    @DisplayName("every codec has a decoder whose samples per RTP unit are sample rate / RTP clock")
    void everyCodecHasADecoder(AudioCodec codec) {
        PayloadDecoder decoder = PayloadDecoder.of(codec);

        assertThat(decoder.codec()).isEqualTo(codec);
        assertThat(decoder.samplesPerUnit()).isEqualTo(codec == AudioCodec.G722 ? 2 : 1);
        short[] out = new short[2 * 160];
        assertThat(decoder.decode(new byte[160], 0, 160, out, 0)).isEqualTo(160 * decoder.samplesPerUnit());
    }

    @Test
    @DisplayName("G.711 decodes byte by byte, like G711")
    void g711() {
        short[] out = new short[3];
        PayloadDecoder.of(AudioCodec.PCMA).decode(new byte[] {9, (byte) 0xD5, 0x2A, 9}, 1, 2, out, 1);
        assertThat(out).containsExactly(0, 8, -32256);
        PayloadDecoder.of(AudioCodec.PCMU).decode(new byte[] {(byte) 0x80}, 0, 1, out, 0);
        assertThat(out[0]).isEqualTo(G711.ulawToLinear((byte) 0x80));
    }

    @Test
    @DisplayName("G.722 decodes as G722Decoder does, two 16 kHz samples per byte, and reset() starts over")
    void g722() throws IOException {
        byte[] bitstream = G722DecoderTest.resource("tones-sweep-noise.g722");
        short[] expected = G722DecoderTest.pcm(G722DecoderTest.resource("tones-sweep-noise.ffmpeg.s16le"));
        PayloadDecoder decoder = PayloadDecoder.of(AudioCodec.G722);

        short[] out = new short[expected.length];
        assertThat(decoder.decode(bitstream, 0, bitstream.length, out, 0)).isEqualTo(expected.length);
        assertThat(out).containsExactly(expected);

        decoder.reset();
        short[] again = new short[expected.length];
        decoder.decode(bitstream, 0, bitstream.length, again, 0);
        assertThat(again).containsExactly(expected);
    }
}
