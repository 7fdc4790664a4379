package org.callrec.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.callrec.core.audio.AudioCodec;
import org.junit.jupiter.api.Test;

/** The benchmark's own G.711 decoder against values of ITU-T G.711's tables, and the WAV check. */
class G711ReferenceTest {

    @Test
    void alawMatchesTheStandardsDecisionTable() {
        // Table 1a/1b: character as transmitted (even bits inverted) → decoder output × 8.
        assertThat(G711Reference.alaw((byte) 0xD5)).isEqualTo((short) 8);       // 1101 0101: +, seg 0, q 0 → 1
        assertThat(G711Reference.alaw((byte) 0x55)).isEqualTo((short) -8);      // 0101 0101: −, seg 0, q 0
        assertThat(G711Reference.alaw((byte) 0xD4)).isEqualTo((short) 24);      // seg 0, q 1 → 3
        assertThat(G711Reference.alaw((byte) 0xC5)).isEqualTo((short) 264);     // seg 1, q 0 → 33
        assertThat(G711Reference.alaw((byte) 0xE5)).isEqualTo((short) 1056);    // seg 3, q 0 → 132
        assertThat(G711Reference.alaw((byte) 0xAA)).isEqualTo((short) 32256);   // 1010 1010: +, seg 7, q 15 → 4032
        assertThat(G711Reference.alaw((byte) 0x2A)).isEqualTo((short) -32256);
    }

    @Test
    void ulawMatchesTheStandardsDecisionTable() {
        // Table 2a/2b: character as transmitted (all bits inverted) → decoder output × 4.
        assertThat(G711Reference.ulaw((byte) 0xFF)).isEqualTo((short) 0);       // +, seg 0, q 0 → 0
        assertThat(G711Reference.ulaw((byte) 0xFE)).isEqualTo((short) 8);       // seg 0, q 1 → 2
        assertThat(G711Reference.ulaw((byte) 0xEF)).isEqualTo((short) 132);     // seg 1, q 0 → 33
        assertThat(G711Reference.ulaw((byte) 0x80)).isEqualTo((short) 32124);   // +, seg 7, q 15 → 8031
        assertThat(G711Reference.ulaw((byte) 0x00)).isEqualTo((short) -32124);
    }

    @Test
    void storedAudioIsComparedSampleBySample() {
        byte[] sent = {(byte) 0xD5, (byte) 0xC5, (byte) 0xAA};

        assertThat(StoredAudioCheck.of(AudioCodec.PCMA, sent, wav(8, 264, 32256)).exact()).isTrue();
        StoredAudioCheck off = StoredAudioCheck.of(AudioCodec.PCMA, sent, wav(8, 263, 32256, 0));
        assertThat(off.exact()).isFalse();
        assertThat(off.describe()).isEqualTo("first mismatch at sample 1 (sent 264, stored 263), length 4 vs 3 sent (1)");
        assertThat(StoredAudioCheck.of(AudioCodec.PCMA, sent, wav(8, 264)).describe())
                .isEqualTo("samples equal, length 2 vs 3 sent (-1)");
        assertThat(StoredAudioCheck.of(AudioCodec.PCMA, sent, new byte[44]).problem()).isEqualTo("not a RIFF/WAVE file");
    }

    /** A PCM16 mono 8 kHz WAV with a LIST chunk before the data, as a writer may add. */
    private static byte[] wav(int... samples) {
        ByteBuffer b = ByteBuffer.allocate(12 + 24 + 12 + 8 + 2 * samples.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(b.capacity() - 8).put("WAVE".getBytes());
        b.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1).putInt(8000).putInt(16000)
                .putShort((short) 2).putShort((short) 16);
        b.put("LIST".getBytes()).putInt(4).put("INFO".getBytes());
        b.put("data".getBytes()).putInt(2 * samples.length);
        for (int s : samples) {
            b.putShort((short) s);
        }
        return b.array();
    }
}
