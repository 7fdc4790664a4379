package org.callrec.ingest.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.netty.channel.epoll.EpollMode;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/** A media socket over the native transport: level-triggered, and nothing queued is left unread. */
class MediaSocketTest {

    private Vertx vertx;

    @BeforeEach
    void nativeVertx() {
        Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux")
                && System.getProperty("os.arch").equals("amd64"), "the native library shipped is linux-x86_64");
        vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(1));
        assertThat(vertx.isNativeTransportEnabled()).isTrue();
    }

    @AfterEach
    void close() throws Exception {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aBurstQueuedWhileTheLoopWasBusyIsReadToTheLastDatagram() throws Exception {
        MediaSocket socket = MediaSocket.bind(vertx, "127.0.0.1", 0, Optional.empty(), 1500)
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(socket.epollMode()).isEqualTo(EpollMode.LEVEL_TRIGGERED);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger read = new AtomicInteger();
        AtomicInteger bytes = new AtomicInteger();
        socket.handler((data, sender) -> {
            if (read.getAndIncrement() == 0) {
                try {
                    // the loop is held on the first datagram while the rest of the burst queues
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            bytes.addAndGet(data.readableBytes());
        });

        int burst = 100; // well within the default receive buffer (~200 small datagrams)
        try (DatagramSocket phone = new DatagramSocket()) {
            InetAddress to = InetAddress.getLoopbackAddress();
            phone.send(new DatagramPacket(new byte[172], 172, to, socket.port()));
            await().atMost(Duration.ofSeconds(5)).until(() -> read.get() == 1);
            for (int i = 1; i < burst; i++) {
                phone.send(new DatagramPacket(new byte[172], 172, to, socket.port()));
            }
        }
        release.countDown();

        await().atMost(Duration.ofSeconds(5)).until(() -> read.get() == burst);
        assertThat(bytes.get()).isEqualTo(burst * 172);
        socket.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
