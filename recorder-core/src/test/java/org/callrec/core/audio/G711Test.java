package org.callrec.core.audio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.TreeSet;
import java.util.function.Function;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * ITU-T G.711 A-law and µ-law.
 *
 * <p>Reference values come from outside the code under test: {@code src/test/resources/g711/*.s16le}
 * were generated with CPython's {@code audioop} (see the README there; ffmpeg is not installed
 * here), and the same 256 values are re-derived at test time from the JDK's own
 * {@code javax.sound.sampled} A-law/µ-law converters.
 */
class G711Test {

    private static final short[] ALAW_REFERENCE = fixture("alaw-00-ff.s16le");
    private static final short[] ULAW_REFERENCE = fixture("ulaw-00-ff.s16le");

    private static short[] fixture(String name) {
        try (InputStream in = G711Test.class.getResourceAsStream("/g711/" + name)) {
            byte[] bytes = in.readAllBytes();
            short[] s = new short[256];
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(s);
            assertThat(bytes).hasSize(512);
            return s;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static short[] decodeAll(Function<Byte, Short> decoder) {
        short[] s = new short[256];
        for (int i = 0; i < 256; i++) {
            s[i] = decoder.apply((byte) i);
        }
        return s;
    }

    @Nested
    @DisplayName("decoding")
    class Decoding {

        @ParameterizedTest(name = "A-law 0x{0} -> {1}")
        @CsvSource({
                "D5, 8",       // smallest positive step (the A-law "silence" code)
                "55, -8",      // smallest negative step: 0xD5 with the sign bit cleared
                "D4, 24",      // next step of segment 0: steps of 16
                "AA, 32256",   // largest positive: segment 7, all mantissa bits (after even-bit inversion)
                "2A, -32256"   // largest negative
        })
        @DisplayName("A-law codes decode to the ITU-T G.711 table values (even bits inverted, 0x55)")
        void alawTableValues(String hex, int expected) {
            assertThat(G711.alawToLinear((byte) Integer.parseInt(hex, 16))).isEqualTo((short) expected);
        }

        @ParameterizedTest(name = "µ-law 0x{0} -> {1}")
        @CsvSource({
                "FF, 0",       // positive zero
                "7F, 0",       // negative zero decodes to 0 too
                "FE, 8",       // smallest positive step
                "80, 32124",   // largest positive
                "00, -32124"   // largest negative
        })
        @DisplayName("µ-law codes decode to the ITU-T G.711 table values (all bits inverted)")
        void ulawTableValues(String hex, int expected) {
            assertThat(G711.ulawToLinear((byte) Integer.parseInt(hex, 16))).isEqualTo((short) expected);
        }

        @Test
        @DisplayName("all 256 A-law codes decode as the audioop reference fixture")
        void alawMatchesFixture() {
            assertThat(decodeAll(G711::alawToLinear)).containsExactly(ALAW_REFERENCE);
        }

        @Test
        @DisplayName("all 256 µ-law codes decode as the audioop reference fixture")
        void ulawMatchesFixture() {
            assertThat(decodeAll(G711::ulawToLinear)).containsExactly(ULAW_REFERENCE);
        }

        @Test
        @DisplayName("all 256 codes of both laws decode as the JDK's javax.sound converters do")
        void matchesJavaSound() throws Exception {
            assertThat(decodeAll(G711::alawToLinear)).containsExactly(javaSoundDecode(AudioFormat.Encoding.ALAW));
            assertThat(decodeAll(G711::ulawToLinear)).containsExactly(javaSoundDecode(AudioFormat.Encoding.ULAW));
        }

        @Test
        @DisplayName("the silence constants decode to the quietest level of their law")
        void silenceConstants() {
            int quietestAlaw = Arrays.stream(toInts(ALAW_REFERENCE)).map(Math::abs).min().orElseThrow();

            assertThat(Math.abs(G711.alawToLinear(G711.ALAW_SILENCE))).isEqualTo(quietestAlaw);
            assertThat(G711.ulawToLinear(G711.ULAW_SILENCE)).isZero();
        }

        private short[] javaSoundDecode(AudioFormat.Encoding law) throws Exception {
            byte[] codes = new byte[256];
            for (int i = 0; i < 256; i++) {
                codes[i] = (byte) i;
            }
            AudioFormat source = new AudioFormat(law, 8000, 8, 1, 1, 8000, false);
            AudioFormat pcm = new AudioFormat(AudioFormat.Encoding.PCM_SIGNED, 8000, 16, 1, 2, 8000, false);
            try (AudioInputStream in = AudioSystem.getAudioInputStream(pcm,
                    new AudioInputStream(new ByteArrayInputStream(codes), source, codes.length))) {
                short[] s = new short[256];
                ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(s);
                return s;
            }
        }
    }

    @Nested
    @DisplayName("encoding")
    class Encoding {

        @Test
        @DisplayName("decode(encode(decode(b))) == decode(b) for all 256 codes of both laws")
        void decodeEncodeDecodeIsStable() {
            for (int i = 0; i < 256; i++) {
                byte b = (byte) i;
                short a = G711.alawToLinear(b);
                short u = G711.ulawToLinear(b);
                assertThat(G711.alawToLinear(G711.linearToAlaw(a))).as("A-law 0x%02X", i).isEqualTo(a);
                assertThat(G711.ulawToLinear(G711.linearToUlaw(u))).as("µ-law 0x%02X", i).isEqualTo(u);
            }
        }

        @Test
        @DisplayName("every A-law code, and every µ-law code except negative zero (0x7F), survives decode then encode unchanged")
        void codesSurviveRoundTrip() {
            for (int i = 0; i < 256; i++) {
                byte b = (byte) i;
                assertThat(G711.linearToAlaw(G711.alawToLinear(b))).as("A-law 0x%02X", i).isEqualTo(b);
                if (i != 0x7F) {
                    assertThat(G711.linearToUlaw(G711.ulawToLinear(b))).as("µ-law 0x%02X", i).isEqualTo(b);
                }
            }
        }

        @Test
        @DisplayName("every 16-bit sample encodes to one of the two reference levels around it (within one quantisation step)")
        void everySampleLandsOnANeighbouringLevel() {
            assertNeighbouringLevel("A-law", ALAW_REFERENCE, s -> G711.alawToLinear(G711.linearToAlaw(s)));
            assertNeighbouringLevel("µ-law", ULAW_REFERENCE, s -> G711.ulawToLinear(G711.linearToUlaw(s)));
        }

        @Test
        @DisplayName("samples beyond the loudest level clip to it, with their sign")
        void clipping() {
            assertThat(G711.alawToLinear(G711.linearToAlaw(Short.MAX_VALUE))).isEqualTo(max(ALAW_REFERENCE));
            assertThat(G711.alawToLinear(G711.linearToAlaw(Short.MIN_VALUE))).isEqualTo(min(ALAW_REFERENCE));
            assertThat(G711.ulawToLinear(G711.linearToUlaw(Short.MAX_VALUE))).isEqualTo(max(ULAW_REFERENCE));
            assertThat(G711.ulawToLinear(G711.linearToUlaw(Short.MIN_VALUE))).isEqualTo(min(ULAW_REFERENCE));
        }

        private void assertNeighbouringLevel(String law, short[] reference, Function<Short, Short> roundTrip) {
            TreeSet<Integer> levels = new TreeSet<>();
            for (short level : reference) {
                levels.add((int) level);
            }
            for (int s = Short.MIN_VALUE; s <= Short.MAX_VALUE; s++) {
                Integer below = levels.floor(s);
                Integer above = levels.ceiling(s);
                int got = roundTrip.apply((short) s);
                if (below == null) {
                    assertThat(got).as("%s %d", law, s).isEqualTo(above);
                } else if (above == null) {
                    assertThat(got).as("%s %d", law, s).isEqualTo(below);
                } else {
                    assertThat(got).as("%s %d", law, s).isIn(below, above);
                }
            }
        }
    }

    private static int[] toInts(short[] s) {
        int[] out = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            out[i] = s[i];
        }
        return out;
    }

    private static short max(short[] s) {
        return (short) Arrays.stream(toInts(s)).max().orElseThrow();
    }

    private static short min(short[] s) {
        return (short) Arrays.stream(toInts(s)).min().orElseThrow();
    }
}
