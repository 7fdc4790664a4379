package org.callrec.core.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The canonical 44-byte RIFF/WAVE header and the reader that walks a file's chunks. */
class WavHeaderTest {

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    private static byte[] samples(short... s) {
        ByteBuffer b = ByteBuffer.allocate(2 * s.length).order(ByteOrder.LITTLE_ENDIAN);
        for (short v : s) {
            b.putShort(v);
        }
        return b.array();
    }

    /** A RIFF chunk: 4-character id, little-endian size, body, pad byte when the size is odd. */
    private static byte[] chunk(String id, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(8 + body.length + (body.length & 1)).order(ByteOrder.LITTLE_ENDIAN);
        b.put(id.getBytes(StandardCharsets.US_ASCII)).putInt(body.length).put(body);
        return b.array();
    }

    private static byte[] riff(byte[]... chunks) {
        byte[] body = concat(chunks);
        ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(4 + body.length).put("WAVE".getBytes(StandardCharsets.US_ASCII));
        return concat(b.array(), body);
    }

    private static byte[] fmt(int tag, int channels, int rate, int bits) {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) tag).putShort((short) channels).putInt(rate).putInt(rate * channels * bits / 8)
                .putShort((short) (channels * bits / 8)).putShort((short) bits);
        return b.array();
    }

    @Test
    @DisplayName("the header is the canonical 44 bytes: RIFF size = 36 + data, fmt of 16 bytes, byte rate and block align derived")
    void canonicalLayout() {
        ByteBuffer h = ByteBuffer.wrap(WavHeader.pcm16Mono(8000, 16000)).order(ByteOrder.LITTLE_ENDIAN);

        assertThat(h.capacity()).isEqualTo(44);
        assertThat(new String(h.array(), 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
        assertThat(h.getInt(4)).isEqualTo(36 + 16000);
        assertThat(new String(h.array(), 8, 8, StandardCharsets.US_ASCII)).isEqualTo("WAVEfmt ");
        assertThat(h.getInt(16)).isEqualTo(16);
        assertThat(h.getShort(20)).isEqualTo((short) 1);      // PCM
        assertThat(h.getShort(22)).isEqualTo((short) 1);      // mono
        assertThat(h.getInt(24)).isEqualTo(8000);             // sample rate
        assertThat(h.getInt(28)).isEqualTo(16000);            // byte rate = 8000 * 2
        assertThat(h.getShort(32)).isEqualTo((short) 2);      // block align
        assertThat(h.getShort(34)).isEqualTo((short) 16);     // bits
        assertThat(new String(h.array(), 36, 4, StandardCharsets.US_ASCII)).isEqualTo("data");
        assertThat(h.getInt(40)).isEqualTo(16000);
    }

    @Test
    @DisplayName("build then parse gives back format, rate, bits, samples and duration")
    void pcmRoundTrip() {
        byte[] data = samples((short) 0, (short) 1, (short) -1, Short.MAX_VALUE, Short.MIN_VALUE, (short) 1234);

        WavFile wav = WavFile.parse(concat(WavHeader.pcm16Mono(16000, data.length), data));

        assertThat(wav.formatTag()).isEqualTo(WavHeader.FORMAT_PCM);
        assertThat(wav.channels()).isEqualTo(1);
        assertThat(wav.sampleRate()).isEqualTo(16000);
        assertThat(wav.bitsPerSample()).isEqualTo(16);
        assertThat(wav.samples()).containsExactly((short) 0, (short) 1, (short) -1, Short.MAX_VALUE, Short.MIN_VALUE, (short) 1234);
        assertThat(wav.durationSeconds()).isEqualTo(6.0 / 16000);
    }

    @Test
    @DisplayName("an 8-bit A-law file round-trips; its samples are not PCM and are refused as such")
    void alawRoundTrip() {
        byte[] data = new byte[8000]; // one second
        java.util.Arrays.fill(data, G711.ALAW_SILENCE);

        WavFile wav = WavFile.parse(concat(WavHeader.build(WavHeader.FORMAT_ALAW, 1, 8000, 8, data.length), data));

        assertThat(wav.formatTag()).isEqualTo(WavHeader.FORMAT_ALAW);
        assertThat(wav.bitsPerSample()).isEqualTo(8);
        assertThat(wav.data()).isEqualTo(data);
        assertThat(wav.durationSeconds()).isEqualTo(1.0);
        assertThatThrownBy(wav::samples).isInstanceOf(IllegalStateException.class);
    }

    @Test
    @DisplayName("refuses a data chunk a 32-bit RIFF size cannot describe (over 4 GiB minus the header), accepts the largest that fits")
    void rejectsOver4GiB() {
        long largest = 0xFFFF_FFFFL - 36;

        assertThatThrownBy(() -> WavHeader.pcm16Mono(8000, largest + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WavHeader.pcm16Mono(8000, 5L << 30)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WavHeader.pcm16Mono(8000, -1)).isInstanceOf(IllegalArgumentException.class);

        ByteBuffer h = ByteBuffer.wrap(WavHeader.pcm16Mono(8000, largest)).order(ByteOrder.LITTLE_ENDIAN);
        // both size fields, read unsigned
        assertThat(h.getInt(4) & 0xFFFF_FFFFL).isEqualTo(0xFFFF_FFFFL);
        assertThat(h.getInt(40) & 0xFFFF_FFFFL).isEqualTo(largest);
    }

    @Test
    @DisplayName("WavFile walks past a LIST chunk (odd-sized, with its pad byte) before the data chunk")
    void extraListChunkBeforeData() {
        byte[] data = samples((short) 100, (short) -200, (short) 300);
        byte[] file = riff(
                chunk("fmt ", fmt(WavHeader.FORMAT_PCM, 1, 8000, 16)),
                chunk("LIST", "INFOISFT\u0005\0\0\0Lavf\0".getBytes(StandardCharsets.US_ASCII)), // 17 bytes: padded
                chunk("data", data));

        WavFile wav = WavFile.parse(file);

        assertThat(wav.sampleRate()).isEqualTo(8000);
        assertThat(wav.samples()).containsExactly((short) 100, (short) -200, (short) 300);
    }

    @Test
    @DisplayName("WavFile reads a fmt chunk longer than 16 bytes (WAVEFORMATEX with cbSize) and a fact chunk")
    void extendedFmtAndFactChunk() {
        byte[] fmtEx = concat(fmt(WavHeader.FORMAT_MULAW, 1, 8000, 8), new byte[] {0, 0}); // cbSize = 0
        byte[] data = {(byte) 0xFF, 0x7F, 0x00};
        byte[] file = riff(chunk("fmt ", fmtEx), chunk("fact", new byte[] {3, 0, 0, 0}), chunk("data", data));

        WavFile wav = WavFile.parse(file);

        assertThat(wav.formatTag()).isEqualTo(WavHeader.FORMAT_MULAW);
        assertThat(wav.data()).containsExactly(0xFF, 0x7F, 0x00);
    }

    @Test
    @DisplayName("WavFile refuses what is not a usable RIFF/WAVE file")
    void refusesBrokenFiles() {
        byte[] data = samples((short) 1, (short) 2);
        byte[] good = concat(WavHeader.pcm16Mono(8000, data.length), data);

        byte[] notRiff = good.clone();
        notRiff[0] = 'X';
        byte[] dataTooLong = concat(WavHeader.pcm16Mono(8000, data.length + 2), data);
        byte[] noData = riff(chunk("fmt ", fmt(1, 1, 8000, 16)));
        byte[] dataBeforeFmt = riff(chunk("data", data), chunk("fmt ", fmt(1, 1, 8000, 16)));

        assertThatThrownBy(() -> WavFile.parse(notRiff)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WavFile.parse(new byte[5])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WavFile.parse(dataTooLong)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WavFile.parse(noData)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WavFile.parse(dataBeforeFmt)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("WavFile refuses, and does not loop on, a chunk whose declared size runs past the end of the file")
    void chunkSizePastTheEnd() {
        byte[] data = samples((short) 1, (short) 2);
        byte[] list = chunk("LIST", new byte[4]);
        // a corrupt LIST size of 0xFFFFFFF8 wraps the int position back to the chunk itself
        ByteBuffer.wrap(list).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 0xFFFF_FFF8);
        byte[] file = riff(chunk("fmt ", fmt(1, 1, 8000, 16)), list, chunk("data", data));

        Assertions.assertTimeoutPreemptively(Duration.ofSeconds(5), () ->
                assertThatThrownBy(() -> WavFile.parse(file)).isInstanceOf(IllegalArgumentException.class));
    }
}
