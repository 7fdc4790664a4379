package org.callrec.ingest.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.inject.Vetoed;

import org.callrec.core.audio.AudioCodec;
import org.callrec.core.chunk.RecordingStarted;
import org.callrec.ingest.kafka.MediaPublisher;
import org.callrec.ingest.kafka.PublishAccount;
import org.callrec.testing.rtp.RtpPackets;
import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The packet path allocates nothing per packet beyond appending to the current chunk: over
 * many packets, the heap it allocates is the published chunk copies and nothing else.
 */
class PacketPathAllocationTest {

    private static final int PACKETS = 50_000;
    private static final int CHUNK_BYTES = 32 * 1024;
    private static final String PHONE = "10.0.0.7";

    /** Collects what the session publishes, allocating nothing itself (not a bean of the test app). */
    @Vetoed
    static final class CountingPublisher extends MediaPublisher {
        long bytes;

        @Override
        public Outcome offer(PublishAccount account, byte[] value, int packets) {
            bytes += value.length;
            return Outcome.QUEUED;
        }
    }

    /** A received datagram, built once and handed to the session again and again. */
    private record Received(ByteBuf data, InetSocketAddress sender) {
    }

    @Test
    void onPacketAllocatesOnlyTheChunksItPublishes() throws Exception {
        CountingPublisher publisher = new CountingPublisher();
        RecordingStarted start = new RecordingStarted("rec-1", "acme", "p1", "00:15:65:00:00:01", AudioCodec.PCMA,
                "out", PHONE, "ingest-test", 40000, 0L, Map.of());
        PacketCounters counters = new PacketCounters();
        RecordingSession session = new RecordingSession(start, java.net.InetAddress.getByName(PHONE), null, publisher,
                CHUNK_BYTES, 1500,
                200_000_000L, Set.of(), counters, 0L);
        // 200 distinct packets from the phone, as the socket hands them over (built before measuring)
        InetSocketAddress phone = new InetSocketAddress(java.net.InetAddress.getByName(PHONE), 5004);
        List<Received> packets = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            byte[] p = RtpPackets.rtp(RtpPackets.PCMA, i, 160L * i, 0x1234L, new byte[160]);
            packets.add(new Received(Unpooled.directBuffer(p.length).writeBytes(p), phone));
        }
        // Warm up, so the measure sees compiled code; then measure this thread's allocations.
        for (int i = 0; i < PACKETS; i++) {
            Received r = packets.get(i % packets.size());
            session.onPacket(r.data(), r.sender());
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long publishedBefore = publisher.bytes;
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < PACKETS; i++) {
            Received r = packets.get(i % packets.size());
            session.onPacket(r.data(), r.sender());
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        long published = publisher.bytes - publishedBefore;

        // Each published chunk is one array copy (plus its header and a ByteBuffer view);
        // anything allocated per packet would add at least 16 bytes × 50,000 = 800 KB more.
        long chunks = published / CHUNK_BYTES + 1;
        System.out.printf("packet path: %d packets, %d bytes published in %d chunks, %d bytes allocated"
                + " (%.2f per packet, %.2f beyond the chunks)%n", PACKETS, published, chunks, allocated,
                (double) allocated / PACKETS, (double) (allocated - published) / PACKETS);
        assertThat(allocated).isLessThanOrEqualTo(published + chunks * 128 + 64 * 1024);
        assertThat(session.result().packetsAccepted()).isEqualTo(2L * PACKETS);
        // ... and the node's counters, which the packet path feeds, saw every packet.
        assertThat(counters.received()).isEqualTo(2L * PACKETS);
        assertThat(counters.chunksPublished()).isEqualTo(session.result().chunks());
    }
}
