package org.callrec.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.callrec.simulator.RtpTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BatchedRtpTransportTest {

    private final InetAddress loopback = InetAddress.getLoopbackAddress();
    private DatagramSocket server;
    private BatchedRtpTransport transport;

    @BeforeEach
    void open() throws IOException {
        assumeTrue(BatchedRtpTransport.unavailableReason() == null, "native epoll unavailable");
        server = new DatagramSocket(0, loopback);
        server.setSoTimeout(5000);
        transport = BatchedRtpTransport.create(1);
    }

    @AfterEach
    void close() {
        if (transport != null) {
            transport.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private RtpTransport.Channel phoneTo(DatagramSocket socket) throws IOException {
        return transport.open(loopback, new InetSocketAddress(loopback, socket.getLocalPort()));
    }

    @Test
    void phonesShareOneSocketAndEachPacketReachesItsOwnDestination() throws Exception {
        DatagramSocket a = server;
        try (DatagramSocket b = new DatagramSocket(0, loopback)) {
            b.setSoTimeout(5000);
            // Two phones, each streaming to its own port, queue 3 packets each in one tick.
            RtpTransport.Channel toA = phoneTo(a);
            RtpTransport.Channel toB = phoneTo(b);
            byte[] packet = new byte[3];
            for (int i = 0; i < 3; i++) {
                packet[0] = 'a';
                packet[1] = (byte) i;
                toA.send(packet, 2);   // the array is reused at once: the transport copies
                packet[0] = 'b';
                toB.send(packet, 3);
            }
            transport.flush();

            // They arrive in order, each at its own destination, from the one shared source port.
            Set<Integer> sources = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                DatagramPacket got = new DatagramPacket(new byte[16], 16);
                a.receive(got);
                assertThat(got.getLength()).isEqualTo(2);
                assertThat(got.getData()[0]).isEqualTo((byte) 'a');
                assertThat(got.getData()[1]).isEqualTo((byte) i);
                sources.add(got.getPort());
                b.receive(got);
                assertThat(got.getLength()).isEqualTo(3);
                assertThat(got.getData()[0]).isEqualTo((byte) 'b');
                sources.add(got.getPort());
            }
            assertThat(sources).containsExactly(toA.localPort()).containsExactly(toB.localPort());
            assertThat(transport.packetsQueued()).isEqualTo(6);
            assertThat(transport.sendErrors()).isZero();
        }
    }

    @Test
    void aPhonesPacketsHaveLeftOnceItsSentFutureCompletesWithoutWaitingForTheNextTick() throws Exception {
        RtpTransport.Channel phone = phoneTo(server);
        byte[] packet = new byte[4];
        for (int i = 0; i < 3; i++) {
            Arrays.fill(packet, (byte) i);
            phone.send(packet, 4);
        }
        // no flush(): the phone's last packets wait in the transport's queue until sent() writes them
        phone.sent().get(5, TimeUnit.SECONDS);

        DatagramPacket got = new DatagramPacket(new byte[16], 16);
        for (int i = 0; i < 3; i++) {
            server.receive(got);
            assertThat(got.getData()[0]).isEqualTo((byte) i);
        }
        assertThat(transport.sendErrors()).isZero();
    }

    @Test
    void aPhoneThatSendsAgainOnceItsPacketHasLeftGetsEveryPacketIntact() throws Exception {
        RtpTransport.Channel phone = phoneTo(server);
        byte[] packet = new byte[4];
        DatagramPacket got = new DatagramPacket(new byte[16], 16);
        // One packet per tick, as a phone sends: each one is received before the next is queued,
        // so the channel's buffer is reused, and each datagram carries its own bytes.
        for (int tick = 0; tick < 5; tick++) {
            Arrays.fill(packet, (byte) tick);
            phone.send(packet, 4 - tick % 2);
            transport.flush();

            server.receive(got);
            assertThat(Arrays.copyOf(got.getData(), got.getLength()))
                    .isEqualTo(Arrays.copyOf(packet, 4 - tick % 2));
        }
        // After its call, the channel refuses packets (the phone counts them as send errors).
        phone.close();
        assertThatThrownBy(() -> phone.send(packet, 4)).isInstanceOf(IOException.class);
        assertThat(transport.packetsQueued()).isEqualTo(5);
        assertThat(transport.sendErrors()).isZero();
    }
}
