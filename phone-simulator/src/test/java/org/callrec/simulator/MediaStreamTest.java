package org.callrec.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** One phone's RTP stream and its end. */
class MediaStreamTest {

    /** A media path that queues packets until the test lets them leave. */
    private static final class QueuedChannel implements RtpTransport.Channel {
        final AtomicInteger packets = new AtomicInteger();
        final CompletableFuture<Void> leave = new CompletableFuture<>();

        @Override
        public int localPort() {
            return 40000;
        }

        @Override
        public void send(byte[] packet, int length) {
            packets.incrementAndGet();
        }

        @Override
        public CompletableFuture<Void> sent() {
            return leave;
        }

        @Override
        public void close() {
        }
    }

    @Test
    @DisplayName("the stream is over only once its last packet has left the transport: the phone's stop never overtakes it")
    void endsAfterTheLastPacketHasLeft() {
        PhoneConfig config = PhoneConfig.builder().duration(Duration.ofMillis(60)).packetMillis(20).build();
        QueuedChannel channel = new QueuedChannel();
        MediaStream stream = new MediaStream(channel, config, 0x42, 1, 1000);
        stream.start(0);

        long now = 0;
        while (stream.fire(now)) {
            now += 20_000_000L;
        }

        assertThat(channel.packets).hasValue(config.packetCount());
        assertThat(stream.done()).as("last packet still queued").isNotDone();
        channel.leave.complete(null);
        assertThat(stream.done()).isCompleted();
    }
}
