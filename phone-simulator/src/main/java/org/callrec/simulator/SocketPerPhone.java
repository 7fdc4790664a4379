package org.callrec.simulator;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** {@link RtpTransport#perPhoneSockets()}: every call has its own UDP socket, as a real phone does. */
final class SocketPerPhone implements RtpTransport {

    static final SocketPerPhone INSTANCE = new SocketPerPhone();

    private SocketPerPhone() {
    }

    @Override
    public Channel open(InetAddress phoneAddress, InetSocketAddress target) throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(phoneAddress, 0));
        DatagramPacket datagram = new DatagramPacket(new byte[0], 0, target);
        return new Channel() {
            @Override
            public int localPort() {
                return socket.getLocalPort();
            }

            @Override
            public void send(byte[] packet, int length) throws IOException {
                datagram.setData(packet, 0, length);
                socket.send(datagram);
            }

            @Override
            public void close() {
                socket.close();
            }
        };
    }

    @Override
    public String description() {
        return "one UDP socket per phone";
    }
}
