package org.callrec.core.phonefile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;

import org.callrec.core.audio.AudioCodec;
import org.callrec.core.audio.G711;
import org.callrec.core.audio.G722Decoder;
import org.callrec.core.audio.WavFile;
import org.callrec.core.phonefile.PhoneFileLayout.Framing;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Phone recording → WAV (16-bit PCM). */
class PhoneFileConverterTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = AudioCodec.class, names = {"PCMA", "PCMU"})
    @DisplayName("G.711 becomes 8 kHz 16-bit PCM, sample for sample, whatever the layout")
    void g711(AudioCodec codec) throws IOException {
        byte[] payload = PhoneFiles.tone(codec, 150 * 160); // 3 s
        for (Framing framing : Framing.values()) {
            byte[] file = PhoneFiles.write(codec.name(), new PhoneFileLayout(ByteOrder.BIG_ENDIAN, framing), payload, 160);
            ByteArrayOutputStream out = new ByteArrayOutputStream();

            PhoneFileConverter.Conversion c = PhoneFileConverter.toWav(new ByteArrayInputStream(file), out);

            assertThat(c.duration()).isEqualTo(Duration.ofSeconds(3));
            assertThat(c.audioSeconds()).isEqualTo(3.0);
            assertThat(c.layout().framing()).isEqualTo(framing);
            assertThat(c.warnings()).isEmpty();
            WavFile wav = WavFile.parse(out.toByteArray());
            assertThat(wav.formatTag()).isEqualTo(1);
            assertThat(wav.sampleRate()).isEqualTo(8000);
            assertThat(wav.bitsPerSample()).isEqualTo(16);
            assertThat(wav.channels()).isEqualTo(1);
            short[] expected = new short[payload.length];
            for (int i = 0; i < payload.length; i++) {
                expected[i] = codec == AudioCodec.PCMA ? G711.alawToLinear(payload[i]) : G711.ulawToLinear(payload[i]);
            }
            assertThat(wav.samples()).containsExactly(expected);
            assertThat(c.pcmBytes()).isEqualTo(2L * payload.length);
        }
    }

    @Test
    @DisplayName("bare PCM carries the same samples without the 44-byte header")
    void pcm() throws IOException {
        byte[] file = PhoneFiles.write("PCMA", new PhoneFileLayout(ByteOrder.LITTLE_ENDIAN, Framing.PAYLOAD),
                PhoneFiles.tone(AudioCodec.PCMA, 800), 160);
        ByteArrayOutputStream wav = new ByteArrayOutputStream();
        ByteArrayOutputStream pcm = new ByteArrayOutputStream();
        PhoneFileConverter.toWav(new ByteArrayInputStream(file), wav);
        PhoneFileConverter.toPcm(new ByteArrayInputStream(file), pcm);
        assertThat(pcm.toByteArray()).hasSize(1600).isEqualTo(WavFile.parse(wav.toByteArray()).data());
    }

    @Test
    @DisplayName("a payload length that disagrees with the increment is converted, with a warning")
    void incrementMismatch() throws IOException {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        try (PhoneFileWriter w = new PhoneFileWriter(file, "PCMU", new PhoneFileLayout(ByteOrder.LITTLE_ENDIAN, Framing.PAYLOAD),
                160, 80, 10)) {
            for (int i = 0; i < 10; i++) {
                w.writeUnit(PhoneFiles.tone(AudioCodec.PCMU, 160), 0);
            }
        }
        PhoneFileConverter.Conversion c = PhoneFileConverter.toWav(new ByteArrayInputStream(file.toByteArray()),
                new ByteArrayOutputStream());
        assertThat(c.duration()).isEqualTo(Duration.ofMillis(100)); // the phone's formula: 10 × 80 / 8000
        assertThat(c.audioSeconds()).isEqualTo(0.2);
        assertThat(c.warnings()).singleElement().asString().contains("160 payload bytes", "increment is 80");
    }

    @Test
    @DisplayName("G.722: a 1 s file converts to 16 kHz PCM, 2 samples per payload byte, decoded like the network path")
    void g722() throws IOException {
        byte[] payload = PhoneFiles.tone(AudioCodec.G722, 50 * 160);
        byte[] file = PhoneFiles.write("G722", new PhoneFileLayout(ByteOrder.LITTLE_ENDIAN, Framing.RTP_UNCOUNTED),
                payload, 160);
        try (PhoneFileReader r = PhoneFileReader.open(new ByteArrayInputStream(file))) {
            assertThat(r.header().codec()).isEqualTo(AudioCodec.G722);
            assertThat(r.duration()).isEqualTo(Duration.ofSeconds(1));
        }
        ByteArrayOutputStream pcm = new ByteArrayOutputStream();
        PhoneFileConverter.Conversion c = PhoneFileConverter.toPcm(new ByteArrayInputStream(file), pcm);
        assertThat(c.sampleRate()).isEqualTo(16000);
        // the same bytes through the decoder the network recordings use
        short[] expected = new short[payload.length * 2];
        new G722Decoder().decode(payload, 0, payload.length, expected, 0);
        ByteBuffer le = ByteBuffer.wrap(pcm.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
        short[] got = new short[le.remaining() / 2];
        le.asShortBuffer().get(got);
        assertThat(got).containsExactly(expected);
    }
}
