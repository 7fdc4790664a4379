package org.callrec.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void producesAndConsumesARecordOnARandomPort() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            assertThat(kafka.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+").doesNotEndWith(":0");

            // Produce to a topic that does not exist yet: the broker creates it
            RecordMetadata sent = produce(kafka.bootstrapServers(), "calls", "call-1", "started");
            assertThat(sent.offset()).isZero();

            // ... with the default number of partitions
            try (Admin admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                int partitions = admin.describeTopics(Set.of("calls")).allTopicNames().get()
                        .get("calls").partitions().size();
                assertThat(partitions).isEqualTo(EmbeddedKafka.DEFAULT_PARTITIONS);
            }

            // A consumer group reads it back from the beginning
            List<ConsumerRecord<String, String>> records = consumeAtLeastOne(kafka.bootstrapServers(), "calls");
            assertThat(records).singleElement().satisfies(record -> {
                assertThat(record.key()).isEqualTo("call-1");
                assertThat(record.value()).isEqualTo("started");
                assertThat(record.partition()).isEqualTo(sent.partition());
            });
        }
    }

    @Test
    void keepsRecordsInItsLogDirAcrossRestartsOnAFixedPort(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path logDir = dir.resolve("kafka");

        // First start formats the directory
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().port(port).logDir(logDir).partitions(1).start()) {
            assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
            produce(kafka.bootstrapServers(), "recordings", "rec-1", "chunk-0");
        }
        assertThat(logDir.resolve("meta.properties")).exists();

        // Second start reuses it: the record is still there
        try (EmbeddedKafka kafka = EmbeddedKafka.start(port, logDir)) {
            assertThat(consumeAtLeastOne(kafka.bootstrapServers(), "recordings"))
                    .extracting(ConsumerRecord::value)
                    .containsExactly("chunk-0");
        }
        assertThat(logDir).exists();
    }

    private static RecordMetadata produce(String bootstrap, String topic, String key, String value) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer())) {
            return producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    private static List<ConsumerRecord<String, String>> consumeAtLeastOne(String bootstrap, String topic) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(TIMEOUT).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return !records.isEmpty();
            });
        }
        return records;
    }
}
