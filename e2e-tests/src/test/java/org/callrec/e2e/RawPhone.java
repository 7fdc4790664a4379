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

import org.callrec.testing.rtp.RtpPackets;

/**
 * A phone written by hand from PROTOCOL.md alone (no project code): plain text over a socket,
 * RTP headers built byte by byte (the shared test fixture {@link RtpPackets}). Keeps the tests
 * honest about the wire format.
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

    /** Sends {@code count} 20 ms PCMA packets whose payload bytes count up from {@code value}; returns the payload sent. */
    byte[] sendRtp(String server, int port, int count, byte value) throws IOException, InterruptedException {
        byte[] sent = new byte[count * 160];
        InetAddress to = InetAddress.getByName(server);
        for (int i = 0; i < count; i++) {
            // sequence number i, timestamp 160 × i, SSRC 0x1234ABCD, payload value, value + 1, …
            byte[] p = RtpPackets.pcma(i, value);
            System.arraycopy(p, 12, sent, i * 160, 160);
            udp.send(new DatagramPacket(p, p.length, to, port));
            Thread.sleep(20);
        }
        return sent;
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
