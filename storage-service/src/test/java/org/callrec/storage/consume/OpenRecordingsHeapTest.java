package org.callrec.storage.consume;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.callrec.core.audio.AudioCodec;
import org.callrec.core.chunk.MediaChunkBuilder;
import org.callrec.storage.RecordFixtures;
import org.callrec.storage.assemble.AssemblyOptions;
import org.callrec.storage.assemble.SpillFiles;
import org.callrec.storage.metrics.StorageMetrics;
import org.callrec.testing.rtp.RtpPackets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Measures the heap an open recording costs on the consumer side (router, timeline, spill-file
 * writer), with 1,000 recordings open at once, and checks that it does not grow with the length
 * of the call: the audio goes to the spill file. Prints the figures recorded in BENCHMARKS.md.
 * Heap is read after full collections ({@code System.gc()}), so the figures are live data only.
 */
class OpenRecordingsHeapTest {

    private static final int RECORDINGS = 1000;
    private static final int LONG_RECORDINGS = 50;
    private static final int PACKETS_PER_CHUNK = 10; // 200 ms chunks, as ingest publishes them
    private static final long STARTED_AT = 1_741_064_767_089L;

    @TempDir
    Path workDir;

    private final TopicPartition[] partitions = {
        new TopicPartition("media", 0), new TopicPartition("media", 1), new TopicPartition("media", 2)};
    private final long[] offsets = new long[3];
    private final byte[] payload = RecordFixtures.tonePayload(AudioCodec.PCMA, 1);

    @Test
    @DisplayName("1,000 open recordings cost a bounded heap each, and ten more minutes of audio add nothing to it")
    void heapPerOpenRecordingIsBoundedAndIndependentOfCallLength() throws Exception {
        RecordingRouter router = new RecordingRouter(new SpillFiles(workDir), AssemblyOptions.defaults(),
                Duration.ofSeconds(60), new OffsetTracker(), new PartitionProgress(), (rec, ticket) -> { },
                new StorageMetrics(new SimpleMeterRegistry()), System::nanoTime);
        router.assign(List.of(partitions));
        long before = usedHeapAfterGc();

        // 1,000 recordings open at once, 10 s of audio each, their chunks interleaved as on the topic.
        for (int r = 0; r < RECORDINGS; r++) {
            send(router, r, RecordFixtures.start(id(r), "acme", AudioCodec.PCMA, STARTED_AT, Map.of()));
        }
        feed(router, RECORDINGS, 0, 50);
        long open10s = usedHeapAfterGc();
        double perRecording = (double) (open10s - before) / RECORDINGS;

        // 50 of them go on for 10 more minutes (3,000 chunks each) while all stay open.
        feed(router, LONG_RECORDINGS, 50, 3050);
        long open10min = usedHeapAfterGc();
        double growthPerLongRecording = (double) (open10min - open10s) / LONG_RECORDINGS;

        System.out.printf("open recordings: %d; heap before %.1f MiB, with them open (10 s of audio each) %.1f MiB:"
                        + " %.1f KiB per open recording%n", RECORDINGS, mib(before), mib(open10s), perRecording / 1024);
        System.out.printf("%d of them 10 min longer: heap %.1f MiB, %+.2f KiB per recording made longer%n",
                LONG_RECORDINGS, mib(open10min), growthPerLongRecording / 1024);

        assertThat(router.assembling()).isEqualTo(RECORDINGS);
        // Behaviour, not a figure: sixty times the audio adds (next to) nothing to a recording's heap.
        assertThat(growthPerLongRecording).as("heap growth per recording over 10 more minutes, bytes")
                .isLessThan(16 * 1024);
    }

    /** Feeds chunks {@code from} (inclusive) to {@code to} (exclusive) of the first {@code n} recordings, interleaved. */
    private void feed(RecordingRouter router, int n, int from, int to) {
        for (int chunk = from; chunk < to; chunk++) {
            for (int r = 0; r < n; r++) {
                send(router, r, chunk(chunk));
            }
        }
    }

    private byte[] chunk(int index) {
        MediaChunkBuilder b = new MediaChunkBuilder(8 * 1024);
        for (int k = 0; k < PACKETS_PER_CHUNK; k++) {
            int packet = index * PACKETS_PER_CHUNK + k;
            byte[] rtp = RtpPackets.rtp(AudioCodec.PCMA.payloadType(), packet & 0xFFFF,
                    (long) RecordFixtures.SAMPLES_PER_PACKET * packet, 0x1234L, payload);
            b.append(STARTED_AT * 1000 + 20_000L * packet, rtp, 0, rtp.length);
        }
        return b.drain(index);
    }

    private void send(RecordingRouter router, int recording, byte[] value) {
        int p = recording % partitions.length;
        router.onRecord(partitions[p], offsets[p]++, id(recording), value);
    }

    private static String id(int r) {
        return "rec-" + r;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
