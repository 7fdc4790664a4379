package org.callrec.ingest.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.callrec.infra.EmbeddedKafka;
import org.callrec.ingest.config.IngestConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** This service owns the media and allocations topics: it creates them from {@code ingest.kafka.*} alone. */
class OwnTopicsTest {

    private static EmbeddedKafka kafka;
    private static Admin admin;

    @BeforeAll
    static void startBroker() {
        Logger.getLogger("org.apache.kafka").setLevel(Level.SEVERE);
        Logger.getLogger("kafka").setLevel(Level.WARNING);
        kafka = EmbeddedKafka.start();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    @AfterAll
    static void stopBroker() {
        admin.close();
        kafka.close();
    }

    @Test
    @DisplayName("the media topic gets ingest's partitions, retention and min.insync.replicas, deletion by time only")
    void createsTheMediaTopicFromIngestSettings() throws Exception {
        IngestConfig.Kafka settings = settings("media-a", "allocations-a");

        OwnTopics.createMedia(brokerProperties(), settings);

        assertThat(partitions("media-a")).isEqualTo(2);
        Config c = config("media-a");
        assertThat(c.get(TopicConfig.RETENTION_MS_CONFIG).value()).isEqualTo(Long.toString(Duration.ofDays(3).toMillis()));
        assertThat(c.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo(TopicConfig.CLEANUP_POLICY_DELETE);
        assertThat(c.get(TopicConfig.RETENTION_BYTES_CONFIG).value()).isEqualTo("-1");
        assertThat(c.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value()).isEqualTo("1");
    }

    @Test
    @DisplayName("the allocations topic is compacted, with its own partitions")
    void createsTheAllocationsTopicCompacted() throws Exception {
        IngestConfig.Kafka settings = settings("media-b", "allocations-b");

        OwnTopics.createAllocations(brokerProperties(), settings);

        assertThat(partitions("allocations-b")).isEqualTo(1);
        assertThat(config("allocations-b").get(TopicConfig.CLEANUP_POLICY_CONFIG).value())
                .isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
    }

    @Test
    @DisplayName("a media topic that exists is left as it is")
    void leavesAnExistingTopicAsItIs() throws Exception {
        // Someone else created the topic with other settings
        admin.createTopics(List.of(new NewTopic("media-c", 1, (short) 1)
                .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "3600000")))).all().get();

        OwnTopics.createMedia(brokerProperties(), settings("media-c", "allocations-c"));

        assertThat(partitions("media-c")).isEqualTo(1);
        assertThat(config("media-c").get(TopicConfig.RETENTION_MS_CONFIG).value()).isEqualTo("3600000");
    }

    private static Map<String, Object> brokerProperties() {
        return Map.of("bootstrap.servers", kafka.bootstrapServers());
    }

    private static int partitions(String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
    }

    private static Config config(String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource)).all().get().get(resource);
    }

    private static IngestConfig.Kafka settings(String mediaTopic, String allocationsTopic) {
        SmallRyeConfig c = new SmallRyeConfigBuilder()
                .withMapping(IngestConfig.class)
                .withConverter(Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withDefaultValue("ingest.api.token-file", org.callrec.ingest.InternalApiToken.FILE.toString())
                .withDefaultValue("ingest.kafka.media-topic", mediaTopic)
                .withDefaultValue("ingest.kafka.allocations-topic", allocationsTopic)
                .withDefaultValue("ingest.kafka.topic-partitions", "2")
                .withDefaultValue("ingest.kafka.retention", "3d")
                .withDefaultValue("ingest.kafka.min-insync-replicas", "1")
                .build();
        return c.getConfigMapping(IngestConfig.class).kafka();
    }
}
