package org.callrec.core.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** RTP fixed header, CSRC list, header extension and padding (RFC 3550 §5.1, §5.3.1). */
class RtpHeaderTest {

    /** Hex with spaces, line breaks and {@code //} comments allowed, so fixtures can be annotated. */
    static byte[] hex(String annotated) {
        return HexFormat.of().parseHex(annotated.replaceAll("//[^\n]*", "").replaceAll("\\s", ""));
    }

    /** A plain PCMA packet: fixed header only, fields chosen so that every bit of a field matters. */
    private static final byte[] PLAIN = hex("""
            80        // V=2 (10), P=0, X=0, CC=0000
            88        // M=1, PT=0001000 = 8 (PCMA)
            fe dc     // sequence number 0xFEDC = 65244
            ca fe ba be // timestamp 0xCAFEBABE = 3405691582  (> 2^31: must read unsigned)
            de ad be ef // SSRC      0xDEADBEEF = 3735928559  (> 2^31: must read unsigned)
            d5 d5 d5 d5 // payload, 4 bytes
            """);

    /** Every optional part at once: two CSRCs, a one-word-plus header extension, padding. */
    private static final byte[] FULL = hex("""
            b2        // V=2 (10), P=1, X=1, CC=0010 = 2
            00        // M=0, PT=0 (PCMU)
            00 01     // sequence number 1
            00 00 00 a0 // timestamp 160
            00 00 00 2a // SSRC 42
            11 11 11 11 // CSRC 1
            22 22 22 22 // CSRC 2
            be de 00 02 // extension: profile 0xBEDE, length 2 words
            10 aa 21 bb // extension word 1
            cc 00 00 00 // extension word 2
            01 02 03 04 05 // payload, 5 bytes (starts at 12 + 2*4 + 4 + 2*4 = 32)
            00 00 03  // padding, 3 bytes, the last one holding the count
            """);

    @Nested
    @DisplayName("reads every field of an annotated fixture")
    class Fields {

        @Test
        @DisplayName("version, padding, extension, CSRC count, marker, payload type")
        void firstTwoBytes() {
            assertThat(RtpHeader.version(PLAIN, 0)).isEqualTo(2);
            assertThat(RtpHeader.hasPadding(PLAIN, 0)).isFalse();
            assertThat(RtpHeader.hasExtension(PLAIN, 0)).isFalse();
            assertThat(RtpHeader.csrcCount(PLAIN, 0)).isZero();
            assertThat(RtpHeader.marker(PLAIN, 0)).isTrue();
            assertThat(RtpHeader.payloadType(PLAIN, 0)).isEqualTo(8);

            assertThat(RtpHeader.hasPadding(FULL, 0)).isTrue();
            assertThat(RtpHeader.hasExtension(FULL, 0)).isTrue();
            assertThat(RtpHeader.csrcCount(FULL, 0)).isEqualTo(2);
            assertThat(RtpHeader.marker(FULL, 0)).isFalse();
            assertThat(RtpHeader.payloadType(FULL, 0)).isZero();
        }

        @Test
        @DisplayName("sequence number, timestamp and SSRC are unsigned, even with their top bit set")
        void unsignedFields() {
            assertThat(RtpHeader.sequenceNumber(PLAIN, 0)).isEqualTo(65244);
            assertThat(RtpHeader.timestamp(PLAIN, 0)).isEqualTo(3_405_691_582L).isGreaterThan(1L << 31);
            assertThat(RtpHeader.ssrc(PLAIN, 0)).isEqualTo(3_735_928_559L).isGreaterThan(1L << 31);
        }

        @Test
        @DisplayName("a fixed-header packet's payload starts at byte 12 and runs to the end")
        void plainPayload() {
            assertThat(RtpHeader.check(PLAIN, 0, PLAIN.length)).isEqualTo(RtpHeader.Problem.NONE);
            assertThat(RtpHeader.headerLength(PLAIN, 0, PLAIN.length)).isEqualTo(12);
            assertThat(RtpHeader.payloadOffset(PLAIN, 0, PLAIN.length)).isEqualTo(12);
            assertThat(RtpHeader.payloadLength(PLAIN, 0, PLAIN.length)).isEqualTo(4);
        }

        @Test
        @DisplayName("CSRC list and header extension move the payload; padding is cut from its end")
        void csrcExtensionAndPadding() {
            assertThat(RtpHeader.check(FULL, 0, FULL.length)).isEqualTo(RtpHeader.Problem.NONE);
            assertThat(RtpHeader.sequenceNumber(FULL, 0)).isEqualTo(1);
            assertThat(RtpHeader.timestamp(FULL, 0)).isEqualTo(160);
            assertThat(RtpHeader.ssrc(FULL, 0)).isEqualTo(42);
            assertThat(RtpHeader.payloadOffset(FULL, 0, FULL.length)).isEqualTo(32);
            assertThat(RtpHeader.payloadLength(FULL, 0, FULL.length)).isEqualTo(5);
            assertThat(FULL[32]).isEqualTo((byte) 0x01);
            assertThat(FULL[32 + 5 - 1]).isEqualTo((byte) 0x05);
        }

        @Test
        @DisplayName("reads a packet at any offset of a larger buffer, relative to that offset")
        void atAnOffset() {
            byte[] buf = new byte[7 + FULL.length + 9];
            System.arraycopy(FULL, 0, buf, 7, FULL.length);

            assertThat(RtpHeader.check(buf, 7, FULL.length)).isEqualTo(RtpHeader.Problem.NONE);
            assertThat(RtpHeader.csrcCount(buf, 7)).isEqualTo(2);
            assertThat(RtpHeader.ssrc(buf, 7)).isEqualTo(42);
            assertThat(RtpHeader.payloadOffset(buf, 7, FULL.length)).isEqualTo(32);
            assertThat(RtpHeader.payloadLength(buf, 7, FULL.length)).isEqualTo(5);
        }
    }

    @Nested
    @DisplayName("check() says why a datagram is not usable")
    class Check {

        @Test
        @DisplayName("TOO_SHORT: fewer than 12 bytes")
        void tooShort() {
            assertThat(RtpHeader.check(PLAIN, 0, 11)).isEqualTo(RtpHeader.Problem.TOO_SHORT);
            assertThat(RtpHeader.check(new byte[0], 0, 0)).isEqualTo(RtpHeader.Problem.TOO_SHORT);
            // exactly a fixed header, no payload, is a valid (empty) packet
            assertThat(RtpHeader.check(PLAIN, 0, 12)).isEqualTo(RtpHeader.Problem.NONE);
        }

        @Test
        @DisplayName("BAD_VERSION: version field other than 2")
        void badVersion() {
            for (int version : new int[] {0, 1, 3}) {
                byte[] p = PLAIN.clone();
                p[0] = (byte) (version << 6);
                assertThat(RtpHeader.check(p, 0, p.length)).as("version %d", version).isEqualTo(RtpHeader.Problem.BAD_VERSION);
            }
        }

        @Test
        @DisplayName("TOO_SHORT: the CSRC list runs past the end")
        void truncatedCsrcList() {
            byte[] p = hex("8f 08 0001 00000000 00000001 11111111"); // CC=15 but room for one CSRC

            assertThat(RtpHeader.check(p, 0, p.length)).isEqualTo(RtpHeader.Problem.TOO_SHORT);
        }

        @Test
        @DisplayName("TOO_SHORT: X is set but the extension's own 4-byte header is missing")
        void truncatedExtensionHeader() {
            byte[] p = hex("90 08 0001 00000000 00000001 bede"); // X=1, only 2 of the 4 bytes

            assertThat(RtpHeader.check(p, 0, p.length)).isEqualTo(RtpHeader.Problem.TOO_SHORT);
        }

        @Test
        @DisplayName("TOO_SHORT: the extension's length says more words than the datagram holds")
        void truncatedExtensionBody() {
            // FULL cut just inside the second extension word
            assertThat(RtpHeader.check(FULL, 0, 30)).isEqualTo(RtpHeader.Problem.TOO_SHORT);
            byte[] p = hex("90 08 0001 00000000 00000001 bede 0003 aabbccdd"); // 3 words announced, 1 present
            assertThat(RtpHeader.check(p, 0, p.length)).isEqualTo(RtpHeader.Problem.TOO_SHORT);
        }

        @Test
        @DisplayName("BAD_PADDING: P is set with a zero count, or a count larger than what follows the header")
        void badPadding() {
            byte[] zeroCount = hex("a0 08 0001 00000000 00000001 d5d5 00");
            byte[] countTooLarge = hex("a0 08 0001 00000000 00000001 d5d5 04"); // 3 bytes after the header, 4 claimed
            byte[] countEatsAll = hex("a0 08 0001 00000000 00000001 d5d5 03");  // padding may take every byte

            assertThat(RtpHeader.check(zeroCount, 0, zeroCount.length)).isEqualTo(RtpHeader.Problem.BAD_PADDING);
            assertThat(RtpHeader.check(countTooLarge, 0, countTooLarge.length)).isEqualTo(RtpHeader.Problem.BAD_PADDING);
            assertThat(RtpHeader.check(countEatsAll, 0, countEatsAll.length)).isEqualTo(RtpHeader.Problem.NONE);
            assertThat(RtpHeader.payloadLength(countEatsAll, 0, countEatsAll.length)).isZero();
        }

        @Test
        @DisplayName("the length passed, not the array's size, bounds the packet")
        void lengthNotArraySize() {
            byte[] buf = new byte[100];
            System.arraycopy(PLAIN, 0, buf, 0, 12);
            // CC=1 needs 16 bytes: the array has them, the datagram does not
            buf[0] = (byte) 0x81;

            assertThat(RtpHeader.check(buf, 0, 12)).isEqualTo(RtpHeader.Problem.TOO_SHORT);
        }
    }

    @Nested
    @DisplayName("writeFixed")
    class WriteFixed {

        @Test
        @DisplayName("writes exactly the bytes of the annotated fixture's fixed header")
        void bytesMatchFixture() {
            byte[] out = new byte[12];

            RtpHeader.writeFixed(out, 0, true, 8, 0xFEDC, 0xCAFEBABEL, 0xDEADBEEFL);

            assertThat(out).containsExactly(java.util.Arrays.copyOf(PLAIN, 12));
        }

        @Test
        @DisplayName("reads back what it wrote, at an offset, for extreme values")
        void roundTrip() {
            byte[] buf = new byte[3 + 12];
            long[][] cases = {{0, 0, 0, 0}, {127, 65535, 0xFFFF_FFFFL, 0xFFFF_FFFFL}, {101, 32768, 1L << 31, 1L << 31}};
            for (long[] c : cases) {
                boolean marker = c[0] % 2 == 1;

                RtpHeader.writeFixed(buf, 3, marker, (int) c[0], (int) c[1], c[2], c[3]);

                assertThat(RtpHeader.check(buf, 3, 12)).isEqualTo(RtpHeader.Problem.NONE);
                assertThat(RtpHeader.version(buf, 3)).isEqualTo(2);
                assertThat(RtpHeader.hasPadding(buf, 3)).isFalse();
                assertThat(RtpHeader.hasExtension(buf, 3)).isFalse();
                assertThat(RtpHeader.csrcCount(buf, 3)).isZero();
                assertThat(RtpHeader.marker(buf, 3)).isEqualTo(marker);
                assertThat(RtpHeader.payloadType(buf, 3)).isEqualTo((int) c[0]);
                assertThat(RtpHeader.sequenceNumber(buf, 3)).isEqualTo((int) c[1]);
                assertThat(RtpHeader.timestamp(buf, 3)).isEqualTo(c[2]);
                assertThat(RtpHeader.ssrc(buf, 3)).isEqualTo(c[3]);
            }
        }
    }
}
