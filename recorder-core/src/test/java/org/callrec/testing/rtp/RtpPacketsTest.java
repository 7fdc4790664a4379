package org.callrec.testing.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The shared fixture writes what RFC 3550 §5.1 says, byte for byte. */
class RtpPacketsTest {

    @Test
    void plainPacket() {
        assertThat(RtpPackets.rtp(8, 0x1_FEDC, 0x1_CAFE_BABEL, 0xDEAD_BEEFL, new byte[] {1, 2}))
                .containsExactly(
                        0x80,                   // V=2, P=0, X=0, CC=0
                        0x08,                   // M=0, PT=8
                        0xFE, 0xDC,             // sequence number, modulo 2^16
                        0xCA, 0xFE, 0xBA, 0xBE, // timestamp, modulo 2^32
                        0xDE, 0xAD, 0xBE, 0xEF, // SSRC
                        1, 2);                  // payload
    }

    @Test
    void fancyPacket() {
        assertThat(RtpPackets.rtp(101, true, 7, 9, 3, new byte[] {42}, true))
                .containsExactly(
                        0xB2,                   // V=2, P=1, X=1, CC=2
                        0x80 | 101,             // M=1, PT=101
                        0, 7,                   // sequence number
                        0, 0, 0, 9,             // timestamp
                        0, 0, 0, 3,             // SSRC
                        0x0A, 0x0B, 0x0C, 0x0D, // CSRC 1
                        0x01, 0x02, 0x03, 0x04, // CSRC 2
                        0xBE, 0xDE, 0, 1,       // extension profile, length 1 word
                        0x10, 0xAA, 0, 0,       // extension word
                        42,                     // payload
                        0x55, 0x55, 0x55, 4);   // padding, its count last
    }

    @Test
    void pcmaOfTheDefaultSsrc() {
        byte[] p = RtpPackets.pcma(3, 250);
        assertThat(p).hasSize(12 + 160);
        assertThat(p).startsWith(0x80, 8, 0, 3, 0, 0, 0x01, 0xE0, 0x12, 0x34, 0xAB, 0xCD, 250, 251, 252);
        assertThat(RtpPackets.versionOne()).hasSize(12).startsWith(0x40, 8, 0, 1);
    }
}
