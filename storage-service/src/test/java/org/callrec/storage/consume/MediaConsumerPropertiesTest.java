package org.callrec.storage.consume;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("the media consumer's Kafka properties")
class MediaConsumerPropertiesTest {

    @Test
    @DisplayName("fetches are batched (64 KiB or 100 ms) unless a kafka.* property says otherwise")
    void fetchesAreBatchedByDefault() {
        Map<String, Object> p = MediaConsumer.consumerProps(Map.of("bootstrap.servers", "b:9092"), "g");
        assertThat(p).containsEntry(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 65536)
                .containsEntry(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100)
                .containsEntry("bootstrap.servers", "b:9092");

        Map<String, Object> tuned = MediaConsumer.consumerProps(
                Map.of(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "1", ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "500"), "g");
        assertThat(tuned).containsEntry(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "1")
                .containsEntry(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "500");
    }

    @Test
    @DisplayName("the group, manual commits and earliest reset are fixed: a kafka.* property cannot change them")
    void commitSettingsAreFixed() {
        Map<String, Object> p = MediaConsumer.consumerProps(Map.of(ConsumerConfig.GROUP_ID_CONFIG, "other",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "true", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"),
                "callrec-storage");
        assertThat(p).containsEntry(ConsumerConfig.GROUP_ID_CONFIG, "callrec-storage")
                .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)
                .containsEntry(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    }
}
