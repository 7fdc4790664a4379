package org.callrec.ingest;

/** RTP packets written byte by byte from RFC 3550 §5.1, so the tests do not trust project code. */
public final class RtpPackets {

    /** SSRC of every packet built here. */
    public static final long SSRC = 0x1234ABCDL;

    private RtpPackets() {
    }

    /** A 20 ms PCMA packet (12-byte header + 160 payload bytes) whose payload starts at {@code fill}. */
    public static byte[] pcma(int seq, int fill) {
        return packet(seq, 160L * seq, 160, fill);
    }

    /** A PCMA packet with {@code payloadLength} payload bytes. */
    public static byte[] packet(int seq, long timestamp, int payloadLength, int fill) {
        byte[] p = new byte[12 + payloadLength];
        p[0] = (byte) 0x80;                 // V=2, P=0, X=0, CC=0
        p[1] = (byte) 8;                    // M=0, PT=8 (PCMA)
        p[2] = (byte) (seq >>> 8);          // sequence number
        p[3] = (byte) seq;
        p[4] = (byte) (timestamp >>> 24);   // timestamp
        p[5] = (byte) (timestamp >>> 16);
        p[6] = (byte) (timestamp >>> 8);
        p[7] = (byte) timestamp;
        p[8] = (byte) (SSRC >>> 24);        // SSRC
        p[9] = (byte) (SSRC >>> 16);
        p[10] = (byte) (SSRC >>> 8);
        p[11] = (byte) SSRC;
        for (int i = 0; i < payloadLength; i++) {
            p[12 + i] = (byte) (fill + i);
        }
        return p;
    }

    /** The packet with its SSRC (bytes 8-11) replaced. */
    public static byte[] withSsrc(byte[] p, long ssrc) {
        p[8] = (byte) (ssrc >>> 24);
        p[9] = (byte) (ssrc >>> 16);
        p[10] = (byte) (ssrc >>> 8);
        p[11] = (byte) ssrc;
        return p;
    }

    /** 12 bytes that look like an RTP header but say version 1. */
    public static byte[] versionOne() {
        byte[] p = packet(1, 160, 0, 0);
        p[0] = (byte) 0x40;                 // V=1
        return p;
    }
}
