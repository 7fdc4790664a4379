package org.callrec.testing.rtp;

import java.io.ByteArrayOutputStream;

/**
 * RTP datagrams for tests, written byte by byte from RFC 3550 §5.1 with no project code, so a
 * test never trusts the parser it tests. The one source of RTP packets for every module's tests:
 * it ships in recorder-core's test-jar ({@code <type>test-jar</type>}).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           synchronization source (SSRC) identifier            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |            contributing source (CSRC) identifiers             |
 * |                             ....                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Sequence numbers and timestamps are taken modulo 2<sup>16</sup> and 2<sup>32</sup>, as on the wire.
 */
public final class RtpPackets {

    /** Payload type of G.711 A-law. */
    public static final int PCMA = 8;
    /** SSRC of the packets built without one. */
    public static final long SSRC = 0x1234ABCDL;
    /** Payload bytes (= RTP timestamp units) of a 20 ms G.711 or G.722 packet. */
    public static final int PACKET_UNITS = 160;

    private RtpPackets() {
    }

    /** A plain packet: V=2, no padding, no extension, no CSRC, marker clear. */
    public static byte[] rtp(int payloadType, int seq, long timestamp, long ssrc, byte[] payload) {
        return rtp(payloadType, false, seq, timestamp, ssrc, payload, false);
    }

    /**
     * A packet with the marker bit as given. With {@code fancy}: P=1 with 4 bytes of padding,
     * X=1 with a one-word extension (profile 0xBEDE), CC=2 with two CSRCs, so the payload starts
     * at byte 28 and ends 4 bytes before the datagram does.
     */
    public static byte[] rtp(int payloadType, boolean marker, int seq, long timestamp, long ssrc, byte[] payload,
                             boolean fancy) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(fancy ? 0x80 | 0x20 | 0x10 | 2 : 0x80);     // V=2, P, X, CC
        p.write((marker ? 0x80 : 0) | (payloadType & 0x7F)); // M, PT
        p.write(seq >>> 8);                                  // sequence number
        p.write(seq);
        for (int shift = 24; shift >= 0; shift -= 8) {       // timestamp
            p.write((int) (timestamp >>> shift));
        }
        for (int shift = 24; shift >= 0; shift -= 8) {       // SSRC
            p.write((int) (ssrc >>> shift));
        }
        if (fancy) {
            p.writeBytes(new byte[] {0x0A, 0x0B, 0x0C, 0x0D, 0x01, 0x02, 0x03, 0x04}); // CSRC 1, CSRC 2
            p.writeBytes(new byte[] {(byte) 0xBE, (byte) 0xDE, 0x00, 0x01});          // extension header, 1 word
            p.writeBytes(new byte[] {0x10, (byte) 0xAA, 0x00, 0x00});                 // extension word
        }
        p.writeBytes(payload);
        if (fancy) {
            p.writeBytes(new byte[] {0x55, 0x55, 0x55, 0x04});                        // padding, count last
        }
        return p.toByteArray();
    }

    /** A plain PCMA packet. */
    public static byte[] pcma(int seq, long timestamp, long ssrc, byte[] payload) {
        return rtp(PCMA, seq, timestamp, ssrc, payload);
    }

    /**
     * A 20 ms PCMA packet of {@link #SSRC} with timestamp {@code 160 × seq} whose payload bytes
     * count up from {@code fill}.
     */
    public static byte[] pcma(int seq, int fill) {
        return packet(seq, (long) PACKET_UNITS * seq, PACKET_UNITS, fill);
    }

    /** A PCMA packet of {@link #SSRC} with {@code payloadLength} payload bytes counting up from {@code fill}. */
    public static byte[] packet(int seq, long timestamp, int payloadLength, int fill) {
        byte[] payload = new byte[payloadLength];
        for (int i = 0; i < payloadLength; i++) {
            payload[i] = (byte) (fill + i);
        }
        return pcma(seq, timestamp, SSRC, payload);
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
        byte[] p = packet(1, PACKET_UNITS, 0, 0);
        p[0] = (byte) 0x40;                                  // V=1
        return p;
    }
}
