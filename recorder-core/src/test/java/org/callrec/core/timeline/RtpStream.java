package org.callrec.core.timeline;

import java.nio.ByteBuffer;

import org.callrec.testing.rtp.RtpPackets;

/**
 * Test-side description of one RTP stream: packet {@code k} has sequence number
 * {@code firstSeq + k} and timestamp {@code firstTs + k * unitsPerPacket}, both wrapped like on
 * the wire, and a payload that is unique to (stream, k) so that any misplaced byte shows.
 * Packets are built by hand from RFC 3550 §5.1 ({@link RtpPackets}), not with the code under test.
 */
record RtpStream(int payloadType, long ssrc, int firstSeq, long firstTs, int unitsPerPacket) {

    static final int PCMA = 8;

    static RtpStream pcma(long ssrc, int firstSeq, long firstTs) {
        return new RtpStream(PCMA, ssrc, firstSeq, firstTs, 160);
    }

    int seq(int k) {
        return (firstSeq + k) & 0xFFFF;
    }

    long ts(int k) {
        return (firstTs + (long) k * unitsPerPacket) & 0xFFFF_FFFFL;
    }

    /** The payload of packet {@code k}: one byte per timestamp unit. */
    byte[] payload(int k) {
        byte[] p = new byte[unitsPerPacket];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) (ssrc * 131 + k * 31 + i * 7);
        }
        return p;
    }

    /** The datagram of packet {@code k}. */
    byte[] packet(int k) {
        return datagram(payloadType, seq(k), ts(k), ssrc, payload(k));
    }

    /** The payloads of packets {@code from..to} (inclusive) concatenated, as an in-order timeline would hold them. */
    byte[] payloads(int from, int to) {
        ByteBuffer b = ByteBuffer.allocate((to - from + 1) * unitsPerPacket);
        for (int k = from; k <= to; k++) {
            b.put(payload(k));
        }
        return b.array();
    }

    /** A plain RTP datagram: V=2, no padding, no extension, no CSRC, marker clear. */
    static byte[] datagram(int payloadType, int seq, long ts, long ssrc, byte[] payload) {
        return RtpPackets.rtp(payloadType, seq, ts, ssrc, payload);
    }
}
