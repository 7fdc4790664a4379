package org.callrec.core.phonefile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import org.callrec.core.audio.AudioCodec;
import org.callrec.core.phonefile.PhoneFileLayout.Framing;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The phone's own recording file: header, byte order and framing detection, units, errors. */
class PhoneFileReaderTest {

    /** Hex with spaces, line breaks and {@code //} comments allowed, so fixtures can be annotated. */
    static byte[] hex(String annotated) {
        return HexFormat.of().parseHex(annotated.replaceAll("//[^\n]*", "").replaceAll("\\s", ""));
    }

    /** "PCMA" then 60 NULs: the codec[64] field. */
    private static final String PCMA_FIELD = "50 43 4d 41" + " 00".repeat(60);

    static PhoneFileReader open(byte[] file) throws IOException {
        return PhoneFileReader.open(new ByteArrayInputStream(file));
    }

    static byte[] readAll(PhoneFileReader r) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] p = new byte[r.payloadLength()];
        while (r.readPayload(p, 0) > 0) {
            out.write(p);
        }
        return out.toByteArray();
    }

    @Nested
    @DisplayName("reads annotated fixtures of each layout")
    class Fixtures {

        @Test
        @DisplayName("little-endian, bare payload: rtpLen is the payload length")
        void littleEndianPayload() throws IOException {
            byte[] file = hex(PCMA_FIELD + """
                    04 00 00 00   // rtpLen    = 4   (little-endian)
                    04 00 00 00   // increment = 4
                    08 00 00 00   // dataSize  = 8   (two units)
                    d5 d4 d7 d6   // unit 1: A-law payload
                    55 54 57 56   // unit 2
                    """);
            try (PhoneFileReader r = open(file)) {
                assertThat(r.header()).isEqualTo(new PhoneFileHeader("PCMA", AudioCodec.PCMA, 4, 4, 8));
                assertThat(r.layout()).isEqualTo(new PhoneFileLayout(ByteOrder.LITTLE_ENDIAN, Framing.PAYLOAD));
                assertThat(r.units()).isEqualTo(2);
                assertThat(r.duration()).isEqualTo(Duration.ofMillis(1)); // 8 units of the 8000 Hz clock
                assertThat(readAll(r)).isEqualTo(hex("d5 d4 d7 d6 55 54 57 56"));
            }
        }

        @Test
        @DisplayName("big-endian, RTP packets whose rtpLen counts the 12-byte header")
        void bigEndianRtpCounted() throws IOException {
            byte[] file = hex(PCMA_FIELD + """
                    00 00 00 10   // rtpLen    = 16  (big-endian): 12 header + 4 payload
                    00 00 00 04   // increment = 4
                    00 00 00 20   // dataSize  = 32  (two units of 16)
                    80 88 ff ff 00 00 00 00 12 34 56 78   // V=2, M=1 PT=8, seq 65535, ts 0, SSRC 0x12345678
                    d5 d4 d7 d6                           // payload 1
                    80 08 00 00 00 00 00 04 12 34 56 78   // seq 0 (wrapped), ts 4
                    55 54 57 56                           // payload 2
                    """);
            try (PhoneFileReader r = open(file)) {
                assertThat(r.layout()).isEqualTo(new PhoneFileLayout(ByteOrder.BIG_ENDIAN, Framing.RTP_COUNTED));
                assertThat(r.unitLength()).isEqualTo(16);
                assertThat(r.payloadLength()).isEqualTo(4);
                assertThat(r.units()).isEqualTo(2);
                assertThat(readAll(r)).isEqualTo(hex("d5 d4 d7 d6 55 54 57 56"));
                assertThat(r.stats()).isEqualTo(new PhoneFileStats(2, 0, 0, 0, 0, java.util.List.of()));
            }
        }

        @Test
        @DisplayName("little-endian, a 12-byte RTP header in front of rtpLen payload bytes")
        void littleEndianRtpUncounted() throws IOException {
            byte[] file = hex(PCMA_FIELD + """
                    04 00 00 00   // rtpLen    = 4: payload only, the header comes on top
                    04 00 00 00   // increment = 4
                    30 00 00 00   // dataSize  = 48  (three units of 12 + 4)
                    80 08 00 07 00 00 01 00 00 00 00 2a   // seq 7, ts 256, SSRC 42
                    d5 d4 d7 d6
                    80 08 00 08 00 00 01 04 00 00 00 2a   // seq 8, ts 260: one step of +1 / +increment
                    55 54 57 56
                    80 08 00 0a 00 00 01 10 00 00 00 2a   // seq 10 (9 missing), ts 272 (8 beyond one increment)
                    d5 55 d5 55
                    """);
            try (PhoneFileReader r = open(file)) {
                assertThat(r.layout()).isEqualTo(new PhoneFileLayout(ByteOrder.LITTLE_ENDIAN, Framing.RTP_UNCOUNTED));
                assertThat(readAll(r)).isEqualTo(hex("d5 d4 d7 d6 55 54 57 56 d5 55 d5 55"));
                PhoneFileStats s = r.stats();
                assertThat(s.missingSequence()).isEqualTo(1);
                assertThat(s.timestampJumps()).isEqualTo(1);
                assertThat(s.gaps()).containsExactly(new PhoneFileStats.Gap(8, 8));
            }
        }
    }

    @Nested
    @DisplayName("detects the layout a writer used")
    class RoundTrips {

        @ParameterizedTest(name = "{0}")
        @EnumSource(Framing.class)
        @DisplayName("1 s of PCMU in 20 ms units, both byte orders")
        void everyLayout(Framing framing) throws IOException {
            for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
                PhoneFileLayout layout = new PhoneFileLayout(order, framing);
                byte[] payload = PhoneFiles.tone(AudioCodec.PCMU, 50 * 160);
                byte[] file = PhoneFiles.write("PCMU", layout, payload, 160);
                try (PhoneFileReader r = open(file)) {
                    assertThat(r.layout()).as("%s", layout).isEqualTo(layout);
                    assertThat(r.header().codec()).isEqualTo(AudioCodec.PCMU);
                    assertThat(r.units()).isEqualTo(50);
                    assertThat(r.duration()).isEqualTo(Duration.ofSeconds(1));
                    assertThat(readAll(r)).isEqualTo(payload);
                }
            }
        }

        @Test
        @DisplayName("a bare-payload file whose size is also a whole number of header+payload units stays bare payload")
        void coincidentalSize() throws IOException {
            // 43 units of 160 = 6880 = 40 units of 172: only the RTP checks can tell them apart
            byte[] payload = PhoneFiles.tone(AudioCodec.PCMA, 43 * 160);
            byte[] bare = PhoneFiles.write("PCMA", new PhoneFileLayout(ByteOrder.LITTLE_ENDIAN, Framing.PAYLOAD), payload, 160);
            try (PhoneFileReader r = open(bare)) {
                assertThat(r.layout().framing()).isEqualTo(Framing.PAYLOAD);
                assertThat(r.units()).isEqualTo(43);
            }
            byte[] rtp = PhoneFiles.write("PCMA", new PhoneFileLayout(ByteOrder.LITTLE_ENDIAN, Framing.RTP_UNCOUNTED),
                    Arrays.copyOf(payload, 40 * 160), 160);
            try (PhoneFileReader r = open(rtp)) {
                assertThat(r.layout().framing()).isEqualTo(Framing.RTP_UNCOUNTED);
                assertThat(r.units()).isEqualTo(40);
            }
        }

        @Test
        @DisplayName("a pause in an RTP file is reported as a gap, and the audio stays back to back")
        void pause() throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] unit = PhoneFiles.tone(AudioCodec.PCMA, 160);
            try (PhoneFileWriter w = new PhoneFileWriter(out, "PCMA",
                    new PhoneFileLayout(ByteOrder.LITTLE_ENDIAN, Framing.RTP_COUNTED), 160, 160, 20)) {
                for (int i = 0; i < 20; i++) {
                    // units 0..9, then a 2 s pause (16000 timestamp units), then units 10..19
                    w.writeUnit(unit, 0, 100 + i, 5_000L + i * 160L + (i >= 10 ? 16_000 : 0));
                }
            }
            try (PhoneFileReader r = open(out.toByteArray())) {
                assertThat(readAll(r)).hasSize(20 * 160);
                assertThat(r.duration()).isEqualTo(Duration.ofMillis(400));
                assertThat(r.stats().timestampJumps()).isEqualTo(1);
                assertThat(r.stats().gaps()).containsExactly(new PhoneFileStats.Gap(10 * 160, 16_000));
                assertThat(r.stats().missingSequence()).isZero();
            }
        }

        @Test
        @DisplayName("an empty recording has no units and no duration")
        void empty() throws IOException {
            byte[] file = PhoneFiles.write("PCMA", new PhoneFileLayout(ByteOrder.BIG_ENDIAN, Framing.PAYLOAD), new byte[0], 160);
            try (PhoneFileReader r = open(file)) {
                assertThat(r.units()).isZero();
                assertThat(r.duration()).isZero();
                assertThat(r.readPayload(new byte[160], 0)).isEqualTo(-1);
            }
        }
    }

    @Nested
    @DisplayName("rejects what is not a phone recording, with a message that says why")
    class Errors {

        private final byte[] valid = PhoneFiles.write("PCMA", new PhoneFileLayout(ByteOrder.LITTLE_ENDIAN, Framing.RTP_COUNTED),
                PhoneFiles.tone(AudioCodec.PCMA, 10 * 160), 160);

        private void assertRejected(byte[] file, String message) {
            assertThatThrownBy(() -> {
                try (PhoneFileReader r = open(file)) {
                    readAll(r);
                }
            }).isInstanceOf(PhoneFileException.class).hasMessageContaining(message);
        }

        @Test
        @DisplayName("an empty file, a short header")
        void shortHeader() {
            assertRejected(new byte[0], "truncated header: 0 of 76 bytes");
            assertRejected(Arrays.copyOf(valid, 70), "truncated header: 70 of 76 bytes");
        }

        @Test
        @DisplayName("a real WAV file")
        void riff() {
            assertRejected(org.callrec.core.audio.WavHeader.pcm16Mono(8000, 0), "a RIFF/WAVE file, not a phone recording");
        }

        @Test
        @DisplayName("a codec field that is not text, empty, or an unknown codec")
        void codec() {
            byte[] binary = valid.clone();
            binary[1] = 0x01;
            assertRejected(binary, "byte 0x1 at offset 1, not text");
            byte[] empty = valid.clone();
            Arrays.fill(empty, 0, 64, (byte) 0);
            assertRejected(empty, "the codec field is empty");
            byte[] g729 = valid.clone();
            System.arraycopy("G729".getBytes(), 0, g729, 0, 4);
            assertRejected(g729, "unknown codec 'G729'");
        }

        @Test
        @DisplayName("header integers that fit neither byte order")
        void byteOrder() {
            byte[] file = valid.clone();
            Arrays.fill(file, 64, 72, (byte) 0x7f);
            assertRejected(file, "neither is 1..65535");
        }

        @Test
        @DisplayName("a dataSize that is no whole number of units")
        void dataSize() {
            byte[] file = hex(PCMA_FIELD + "a0 00 00 00  a0 00 00 00  07 00 00 00  01 02 03 04 05 06 07");
            assertRejected(file, "dataSize 7 is not a whole number of units of 160 bytes (nor of 172");
        }

        @Test
        @DisplayName("a file cut short, in the first units or later")
        void truncated() {
            assertRejected(Arrays.copyOf(valid, 76 + 100), "truncated: the header announces 1720 bytes of data, the file holds 100");
            byte[] longer = PhoneFiles.write("PCMA", new PhoneFileLayout(ByteOrder.LITTLE_ENDIAN, Framing.PAYLOAD),
                    PhoneFiles.tone(AudioCodec.PCMA, 100 * 160), 160);
            assertRejected(Arrays.copyOf(longer, longer.length - 1), "the file ends after 15999");
        }

        @Test
        @DisplayName("bytes after the announced data")
        void trailing() {
            byte[] file = Arrays.copyOf(valid, valid.length + 3);
            assertRejected(file, "the file goes on for 3 bytes after the 1720 bytes of data");
        }

        @Test
        @DisplayName("random bytes and random cuts of valid files fail only with PhoneFileException")
        void fuzz() throws IOException {
            Random random = new Random(20261126);
            for (int i = 0; i < 3000; i++) {
                byte[] file;
                if (i % 3 == 0) {
                    file = new byte[random.nextInt(400)];
                    random.nextBytes(file);
                } else {
                    file = Arrays.copyOf(valid, random.nextInt(valid.length + 1));
                    if (i % 3 == 2 && file.length > 0) {
                        file[random.nextInt(file.length)] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                try (PhoneFileReader r = open(file)) {
                    readAll(r);
                } catch (PhoneFileException expected) {
                    assertThat(expected.getMessage()).isNotBlank();
                }
            }
        }
    }
}
