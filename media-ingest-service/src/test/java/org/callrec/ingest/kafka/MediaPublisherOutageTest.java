package org.callrec.ingest.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.callrec.core.chunk.ChunkCodec;
import org.callrec.core.chunk.RecordType;
import org.callrec.core.chunk.RecordingAlive;
import org.callrec.core.chunk.RecordingEnded;
import org.callrec.infra.EmbeddedKafka;
import org.callrec.ingest.MediaTopicReader;
import org.callrec.ingest.config.IngestConfig;
import org.callrec.ingest.kafka.MediaPublisher.Outcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * While Kafka is unreachable the publisher holds records within its bounds (per recording and
 * per node, counted until Kafka acknowledges them), refuses the rest at once without blocking,
 * and delivers everything it held, in order, once the broker is there.
 */
class MediaPublisherOutageTest {

    private static final int RECORD_BYTES = record(0).length;
    private MediaPublisher publisher;
    private EmbeddedKafka kafka;

    @AfterEach
    void stopEverything() {
        if (publisher != null) {
            publisher.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @DisplayName("with no broker: bounded per recording and per node, never blocking; held records delivered in order when it comes")
    void holdsWithinBoundsAndDeliversInOrderWhenTheBrokerComes() throws Exception {
        Logger.getLogger("org.apache.kafka").setLevel(Level.SEVERE);
        Logger.getLogger("kafka").setLevel(Level.WARNING);
        int port = freePort();
        IngestConfig config = config(RECORD_BYTES * 5, RECORD_BYTES * 8);
        publisher = new MediaPublisher();
        publisher.open(config, Map.of("bootstrap.servers", "127.0.0.1:" + port));

        // No broker listens: one recording may hold 5 records, then its chunks are refused
        PublishAccount a = new PublishAccount("rec-a");
        PublishAccount b = new PublishAccount("rec-b");
        List<Outcome> outcomesA = new ArrayList<>();
        long before = System.nanoTime();
        for (int i = 0; i < 7; i++) {
            outcomesA.add(publisher.offer(a, record(i), 10));
        }
        assertThat(outcomesA).containsExactly(Outcome.QUEUED, Outcome.QUEUED, Outcome.QUEUED, Outcome.QUEUED,
                Outcome.QUEUED, Outcome.RECORDING_FULL, Outcome.RECORDING_FULL);

        // The node may hold 8: the second recording gets 3 more, then the node is full
        List<Outcome> outcomesB = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            outcomesB.add(publisher.offer(b, record(i), 10));
        }
        assertThat(outcomesB).containsExactly(Outcome.QUEUED, Outcome.QUEUED, Outcome.QUEUED, Outcome.NODE_FULL);
        // An end record is never refused
        publisher.offerControl(a, ChunkCodec.encodeEnd(new RecordingEnded("rec-a", "hangup", 1L, 50, Map.of(), 5,
                Map.of())));
        // None of this waited for the broker
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofMillis(500));
        assertThat(publisher.backlog()).isEqualTo(9);

        // The broker comes up (on the address the publisher was given)
        kafka = EmbeddedKafka.builder().port(port).start();

        // Everything held reaches the topic, in order, and the buffers empty
        await().atMost(Duration.ofSeconds(60)).until(() -> publisher.backlog() == 0);
        assertThat(a.pendingBytes()).isZero();
        assertThat(a.failedPackets()).isZero();
        List<ConsumerRecord<String, byte[]>> delivered = MediaTopicReader.readRecording(kafka.bootstrapServers(),
                config.kafka().mediaTopic(), "rec-a");
        assertThat(delivered).hasSize(6);
        assertThat(delivered.subList(0, 5)).extracting(r -> ChunkCodec.decodeAlive(r.value()).sentAtMillis())
                .containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(ChunkCodec.typeOf(delivered.get(5).value())).isEqualTo(RecordType.END);
    }

    /** A record of ~400 bytes numbered {@code n} (0-9: all the same size). */
    private static byte[] record(int n) {
        return ChunkCodec.encodeAlive(new RecordingAlive("rec-x", "n".repeat(350), n));
    }

    private static IngestConfig config(long recordingBytes, long nodeBytes) {
        SmallRyeConfig c = new SmallRyeConfigBuilder()
                .withMapping(IngestConfig.class)
                .withConverter(Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withDefaultValue("ingest.api.token-file", org.callrec.ingest.InternalApiToken.FILE.toString())
                .withDefaultValue("ingest.kafka.recording-buffer-bytes", Long.toString(recordingBytes))
                .withDefaultValue("ingest.kafka.publish-queue-bytes", Long.toString(nodeBytes))
                .withDefaultValue("ingest.kafka.media-topic", "outage-test")
                .withDefaultValue("ingest.kafka.topic-partitions", "1")
                .build();
        return c.getConfigMapping(IngestConfig.class);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
