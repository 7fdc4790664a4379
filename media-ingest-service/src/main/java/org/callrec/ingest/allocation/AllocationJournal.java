package org.callrec.ingest.allocation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.callrec.core.chunk.ChunkCodec;
import org.callrec.core.chunk.RecordingStarted;
import org.callrec.ingest.config.IngestConfig;
import org.callrec.ingest.kafka.KafkaClientProperties;
import org.callrec.ingest.kafka.OwnTopics;
import org.jboss.logging.Logger;

import io.smallrye.common.annotation.Identifier;

/**
 * The node's allocations on the compacted topic {@code ingest.kafka.allocations-topic}, keyed by
 * recording id: the recording's START record (which names the node and the UDP port) while it
 * is open, a tombstone once it ended. Writes go through one thread, in order, never on the
 * caller's thread. {@link #readOpen(String, Consumer)} reads the topic back at start. Its producer and reader
 * get every {@code kafka.*} property ({@link KafkaClientProperties}).
 */
@ApplicationScoped
public class AllocationJournal {

    private static final Logger LOG = Logger.getLogger(AllocationJournal.class);

    @Inject
    IngestConfig config;

    /** Every {@code kafka.*} property, prefix removed (see {@link KafkaClientProperties}). */
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    private KafkaProducer<String, byte[]> producer;
    private ExecutorService writer;
    private volatile boolean warned;

    /** Opens the journal (node startup, after the publisher, before the recovery). */
    void start() {
        if (!config.recovery().enabled()) {
            return;
        }
        OwnTopics.createAllocations(kafka, config.kafka());
        producer = new KafkaProducer<>(
                KafkaClientProperties.producer(kafka, config.kafka(), KafkaClientProperties.JOURNAL_PRODUCER),
                new StringSerializer(), new ByteArraySerializer());
        writer = Executors.newSingleThreadExecutor(r -> new Thread(r, "allocation-journal"));
    }

    /** Records an open recording (its START record). Never blocks. */
    public void opened(RecordingStarted start) {
        write(start.recordingId(), ChunkCodec.encodeStart(start));
    }

    /** Records that a recording ended (tombstone). Never blocks. */
    public void ended(String recordingId) {
        write(recordingId, null);
    }

    private void write(String recordingId, byte[] value) {
        if (writer == null) {
            return;
        }
        writer.execute(() -> {
            try {
                producer.send(new ProducerRecord<>(config.kafka().allocationsTopic(), recordingId, value),
                        (m, e) -> {
                            if (e != null) {
                                warnOnce(recordingId, e);
                            }
                        });
            } catch (KafkaException | IllegalStateException e) {
                warnOnce(recordingId, e);
            }
        });
    }

    private void warnOnce(String recordingId, Exception e) {
        if (!warned) {
            warned = true;
            LOG.warnf("Recording %s: allocation journal not written (%s); such recordings are not recovered"
                    + " after a restart (further failures are not logged)", recordingId, e.toString());
        }
    }

    /**
     * Reads the whole journal and returns the recordings it holds open on {@code nodeId}, in
     * journal order; {@code seenIds} gets the id of every START record read (any node's, open or
     * ended but not yet compacted away). Blocks up to {@code ingest.recovery.timeout}; empty when
     * it cannot be read.
     */
    public List<RecordingStarted> readOpen(String nodeId, Consumer<String> seenIds) {
        if (!config.recovery().enabled()) {
            return List.of();
        }
        long deadline = System.nanoTime() + config.recovery().timeout().toNanos();
        Map<String, Object> c = KafkaClientProperties.reader(kafka, KafkaClientProperties.JOURNAL_READER,
                (int) Math.max(1000, Math.min(Integer.MAX_VALUE, config.recovery().timeout().toMillis())));
        Map<String, RecordingStarted> open = new LinkedHashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(config.kafka().allocationsTopic(), remaining(deadline))) {
                partitions.add(new TopicPartition(p.topic(), p.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, remaining(deadline));
            while (!caughtUp(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new org.apache.kafka.common.errors.TimeoutException("journal not read to its end");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        open.remove(r.key());
                        continue;
                    }
                    try {
                        RecordingStarted s = ChunkCodec.decodeStart(r.value());
                        seenIds.accept(s.recordingId());
                        if (nodeId.equals(s.ingestNode())) {
                            open.put(r.key(), s);
                        } else {
                            open.remove(r.key());
                        }
                    } catch (RuntimeException e) {
                        LOG.warnf("Recording %s: unreadable allocation journal record skipped (%s)", r.key(), e.toString());
                    }
                }
            }
        } catch (KafkaException e) {
            LOG.warnf("Allocation journal %s not read (%s): this node starts without its previous recordings",
                    config.kafka().allocationsTopic(), e.toString());
            return List.of();
        }
        return List.copyOf(open.values());
    }

    private static boolean caughtUp(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static Duration remaining(long deadlineNanos) {
        return Duration.ofNanos(Math.max(1_000_000, deadlineNanos - System.nanoTime()));
    }

    /** Writes what is pending, then closes (after the sessions were ended or handed over). */
    void stop() {
        if (writer == null) {
            return;
        }
        writer.shutdown();
        try {
            writer.awaitTermination(config.shutdown().flushTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(config.shutdown().flushTimeout());
    }
}
