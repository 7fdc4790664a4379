package org.callrec.ingest;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.callrec.core.chunk.ChunkCodec;
import org.callrec.core.chunk.RecordType;

/** Reads one recording's records from the media topic with a plain {@link KafkaConsumer}. */
public final class MediaTopicReader {

    private MediaTopicReader() {
    }

    /**
     * Every record keyed {@code recordingId}, in offset order per partition, read from the
     * beginning of all partitions until its END record has arrived.
     */
    public static List<ConsumerRecord<String, byte[]>> readRecording(String bootstrapServers, String topic,
                                                                     String recordingId) {
        return readUntil(bootstrapServers, topic, recordingId, RecordType.END);
    }

    /**
     * Every record keyed {@code recordingId}, in offset order per partition, read from the
     * beginning of all partitions until one of type {@code last} has arrived.
     */
    public static List<ConsumerRecord<String, byte[]>> readUntil(String bootstrapServers, String topic,
                                                                 String recordingId, RecordType last) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    if (recordingId.equals(record.key())) {
                        records.add(record);
                    }
                }
                return records.stream().anyMatch(r -> ChunkCodec.typeOf(r.value()) == last);
            });
        }
        return records;
    }
}
