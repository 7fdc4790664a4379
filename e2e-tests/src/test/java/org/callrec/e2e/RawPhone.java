package org.callrec.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A phone written by hand from PROTOCOL.md alone (no project code): plain text over a socket,
 * RTP headers built byte by byte. Keeps the tests honest about the wire format.
 */
final class RawPhone implements AutoCloseable {

    private final Socket tcp;
    private final InputStream in;
    private final OutputStream out;
    private final DatagramSocket udp;

    RawPhone(String localAddress, int controlPort) throws IOException {
        tcp = new Socket();
        tcp.bind(new InetSocketAddress(localAddress, 0));
        tcp.connect(new InetSocketAddress("127.0.0.1", controlPort), 5000);
        tcp.setSoTimeout(10_000);
        in = tcp.getInputStream();
        out = tcp.getOutputStream();
        udp = new DatagramSocket(new InetSocketAddress(localAddress, 0));
    }

    /** Sends one command terminated by CRLF and returns the answer's pairs (keys as sent). */
    Map<String, String> send(String command) throws IOException {
        out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        Map<String, String> answer = new LinkedHashMap<>();
        for (String pair : line.toString().split("&")) {
            int eq = pair.indexOf('=');
            answer.put(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
        }
        return answer;
    }

    /** Sends {@code count} 20 ms PCMA packets of constant byte {@code value}; returns the payload sent. */
    byte[] sendRtp(String server, int port, int count, byte value) throws IOException, InterruptedException {
        byte[] sent = new byte[count * 160];
        InetAddress to = InetAddress.getByName(server);
        long ssrc = 0x1234ABCDL;
        for (int i = 0; i < count; i++) {
            byte[] p = new byte[12 + 160];
            p[0] = (byte) 0x80;                       // V=2, no padding, no extension, CC=0
            p[1] = (byte) 8;                          // M=0, PT=8 (PCMA)
            p[2] = (byte) (i >> 8);                   // sequence number
            p[3] = (byte) i;
            long ts = 160L * i;                       // timestamp
            p[4] = (byte) (ts >> 24);
            p[5] = (byte) (ts >> 16);
            p[6] = (byte) (ts >> 8);
            p[7] = (byte) ts;
            p[8] = (byte) (ssrc >> 24);               // SSRC
            p[9] = (byte) (ssrc >> 16);
            p[10] = (byte) (ssrc >> 8);
            p[11] = (byte) ssrc;
            for (int j = 0; j < 160; j++) {
                p[12 + j] = (byte) (value + j);
                sent[i * 160 + j] = p[12 + j];
            }
            udp.send(new DatagramPacket(p, p.length, to, port));
            Thread.sleep(20);
        }
        return sent;
    }

    /** A PCMA packet built by hand: V=2, PT 8, the given sequence number, timestamp and SSRC. */
    static byte[] pcmaPacket(int seq, long ts, long ssrc, byte[] payload) {
        byte[] p = new byte[12 + payload.length];
        p[0] = (byte) 0x80;
        p[1] = (byte) 8;
        p[2] = (byte) (seq >> 8);
        p[3] = (byte) seq;
        p[4] = (byte) (ts >> 24);
        p[5] = (byte) (ts >> 16);
        p[6] = (byte) (ts >> 8);
        p[7] = (byte) ts;
        p[8] = (byte) (ssrc >> 24);
        p[9] = (byte) (ssrc >> 16);
        p[10] = (byte) (ssrc >> 8);
        p[11] = (byte) ssrc;
        System.arraycopy(payload, 0, p, 12, payload.length);
        return p;
    }

    /** Sends datagrams in the given order, one every 20 ms. */
    void sendPaced(String server, int port, java.util.List<byte[]> datagrams) throws IOException, InterruptedException {
        InetAddress to = InetAddress.getByName(server);
        long t0 = System.nanoTime();
        for (int i = 0; i < datagrams.size(); i++) {
            byte[] d = datagrams.get(i);
            udp.send(new DatagramPacket(d, d.length, to, port));
            long wait = t0 + (i + 1) * 20_000_000L - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
            }
        }
    }

    /** A datagram and when to send it, in milliseconds after the first. */
    record Timed(long atMillis, byte[] bytes) {
    }

    /** Sends each datagram at its time (in the order of the list when times are equal). */
    void sendScheduled(String server, int port, java.util.List<Timed> datagrams) throws IOException, InterruptedException {
        InetAddress to = InetAddress.getByName(server);
        java.util.List<Timed> ordered = new java.util.ArrayList<>(datagrams);
        ordered.sort(java.util.Comparator.comparingLong(Timed::atMillis));
        long t0 = System.nanoTime();
        for (Timed d : ordered) {
            long wait = t0 + d.atMillis() * 1_000_000L - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
            }
            udp.send(new DatagramPacket(d.bytes(), d.bytes().length, to, port));
        }
    }

    /** Sends arbitrary bytes to the media port. */
    void sendDatagram(String server, int port, byte[] data) throws IOException {
        udp.send(new DatagramPacket(data, data.length, InetAddress.getByName(server), port));
    }

    @Override
    public void close() throws IOException {
        udp.close();
        tcp.close();
    }
}
