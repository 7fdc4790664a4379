package org.callrec.ingest.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.callrec.ingest.config.IngestConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** Which settings of a Kafka client come from the operator's {@code kafka.*} properties and which are fixed. */
class KafkaClientPropertiesTest {

    /** What an operator of a SASL_SSL cluster sets, plus attempts to change what the node relies on. */
    private static final Map<String, Object> OPERATOR = Map.ofEntries(
            Map.entry("bootstrap.servers", "broker-1:9093,broker-2:9093"),
            Map.entry("security.protocol", "SASL_SSL"),
            Map.entry("sasl.mechanism", "SCRAM-SHA-512"),
            Map.entry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;"),
            Map.entry("ssl.truststore.type", "PEM"),
            Map.entry("client.rack", "zone-a"),
            Map.entry("linger.ms", "50"),
            Map.entry("acks", "0"),
            Map.entry("enable.idempotence", "false"),
            Map.entry("max.block.ms", "60000"),
            Map.entry("request.timeout.ms", "120000"),
            Map.entry("default.api.timeout.ms", "120000"),
            Map.entry("enable.auto.commit", "true"),
            Map.entry("client.id", "someone-else"),
            Map.entry("group.id", "media-ingest-service"),
            Map.entry("transactional.id", "tx-1"));

    private static final Map<String, Object> PASSED_THROUGH = Map.of(
            "bootstrap.servers", "broker-1:9093,broker-2:9093",
            "security.protocol", "SASL_SSL",
            "sasl.mechanism", "SCRAM-SHA-512",
            "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;",
            "ssl.truststore.type", "PEM",
            "client.rack", "zone-a");

    @Test
    @DisplayName("a producer gets every kafka.* property, but acks, idempotence, timeouts, buffer and client id stay the node's")
    void producerKeepsWhatTheNodeReliesOn() {
        Map<String, Object> c = KafkaClientProperties.producer(OPERATOR, settings(), KafkaClientProperties.MEDIA_PRODUCER);

        assertThat(c).containsAllEntriesOf(PASSED_THROUGH);
        // A tuning default the operator may change
        assertThat(c).containsEntry("linger.ms", "50");
        // What the durability and the never-blocking publisher rely on
        assertThat(c).containsEntry("acks", "all")
                .containsEntry("enable.idempotence", true)
                .containsEntry("max.block.ms", 5000)
                .containsEntry("delivery.timeout.ms", 120_000)
                .containsEntry("request.timeout.ms", 30_000)
                .containsEntry("client.id", "callrec-ingest")
                .containsEntry("buffer.memory", 1_000_000L + 256L * 100 + 8L * 1024 * 1024);
        assertThat(c).doesNotContainKeys("group.id", "transactional.id");
    }

    @Test
    @DisplayName("without the operator saying otherwise a producer lingers 20 ms")
    void producerDefaults() {
        Map<String, Object> c = KafkaClientProperties.producer(Map.of("bootstrap.servers", "k:9092"), settings(),
                KafkaClientProperties.JOURNAL_PRODUCER);

        assertThat(c).containsEntry("linger.ms", 20).containsEntry("reconnect.backoff.max.ms", 1000)
                .containsEntry("client.id", "callrec-ingest-journal").containsEntry("bootstrap.servers", "k:9092");
    }

    @Test
    @DisplayName("an admin client gets every kafka.* property with the node's timeouts and client id")
    void adminClient() {
        Map<String, Object> c = KafkaClientProperties.admin(OPERATOR, KafkaClientProperties.HEALTH_ADMIN, 3000, 4000);

        assertThat(c).containsAllEntriesOf(PASSED_THROUGH)
                .containsEntry("request.timeout.ms", 3000)
                .containsEntry("default.api.timeout.ms", 4000)
                .containsEntry("client.id", "callrec-ingest-health")
                .doesNotContainKeys("group.id", "transactional.id");
    }

    @Test
    @DisplayName("the journal reader gets every kafka.* property, in no group, committing nothing, reading committed records")
    void journalReader() {
        Map<String, Object> c = KafkaClientProperties.reader(OPERATOR, KafkaClientProperties.JOURNAL_READER, 30_000);

        assertThat(c).containsAllEntriesOf(PASSED_THROUGH)
                .containsEntry("enable.auto.commit", false)
                .containsEntry("isolation.level", "read_committed")
                .containsEntry("default.api.timeout.ms", 30_000)
                .containsEntry("client.id", "callrec-ingest-journal-reader")
                .doesNotContainKeys("group.id", "transactional.id");
    }

    private static IngestConfig.Kafka settings() {
        SmallRyeConfig c = new SmallRyeConfigBuilder()
                .withMapping(IngestConfig.class)
                .withConverter(Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withDefaultValue("ingest.api.token-file", org.callrec.ingest.InternalApiToken.FILE.toString())
                .withDefaultValue("ingest.kafka.delivery-timeout", "2m")
                .withDefaultValue("ingest.kafka.publish-queue", "100")
                .withDefaultValue("ingest.kafka.publish-queue-bytes", "1000000")
                .build();
        return c.getConfigMapping(IngestConfig.class).kafka();
    }
}
