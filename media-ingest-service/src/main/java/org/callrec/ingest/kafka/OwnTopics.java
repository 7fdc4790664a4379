package org.callrec.ingest.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.callrec.core.chunk.Topics;
import org.callrec.ingest.config.IngestConfig;
import org.jboss.logging.Logger;

/**
 * The topics this service owns, created from {@code ingest.kafka.*} and from nowhere else: the
 * media topic (read by storage-service, which only checks it) and the allocations topic. A topic
 * that exists already is left as it is; where it differs from these settings a WARN says how.
 * Every wait is bounded; a failure is logged, never thrown.
 */
public final class OwnTopics {

    private static final Logger LOG = Logger.getLogger(OwnTopics.class);
    private static final long WAIT_SECONDS = 15;

    private OwnTopics() {
    }

    /**
     * The media topic's configuration: {@link Topics#MEDIA_REQUIRED_CONFIG}, {@code retention.ms}
     * from {@code ingest.kafka.retention}, {@code min.insync.replicas} if set.
     */
    static Map<String, String> mediaConfig(IngestConfig.Kafka settings) {
        Map<String, String> c = new TreeMap<>(Topics.MEDIA_REQUIRED_CONFIG);
        c.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(settings.retention().toMillis()));
        settings.minInsyncReplicas().ifPresent(n -> c.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(n)));
        return c;
    }

    /** The allocations topic's configuration: compacted, {@code min.insync.replicas} if set. */
    static Map<String, String> allocationsConfig(IngestConfig.Kafka settings) {
        Map<String, String> c = new TreeMap<>(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        settings.minInsyncReplicas().ifPresent(n -> c.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(n)));
        return c;
    }

    /** Creates the media topic ({@code ingest.kafka.media-topic}) unless it exists. */
    public static void createMedia(Map<String, Object> kafka, IngestConfig.Kafka settings) {
        ensure(kafka, settings.mediaTopic(), settings.topicPartitions(), settings.replicationFactor(),
                mediaConfig(settings));
    }

    /** Creates the allocations topic ({@code ingest.kafka.allocations-topic}) unless it exists. */
    public static void createAllocations(Map<String, Object> kafka, IngestConfig.Kafka settings) {
        ensure(kafka, settings.allocationsTopic(), settings.allocationsPartitions(), settings.replicationFactor(),
                allocationsConfig(settings));
    }

    private static void ensure(Map<String, Object> kafka, String topic, int partitions, short replicationFactor,
                               Map<String, String> topicConfig) {
        try (Admin admin = Admin.create(
                KafkaClientProperties.admin(kafka, KafkaClientProperties.TOPICS_ADMIN + topic, 10000, 15000))) {
            Set<String> existing = admin.listTopics().names().get(WAIT_SECONDS, TimeUnit.SECONDS);
            if (existing.contains(topic)) {
                compare(admin, topic, partitions, replicationFactor, topicConfig);
                return;
            }
            try {
                admin.createTopics(Set.of(new NewTopic(topic, partitions, replicationFactor).configs(topicConfig)))
                        .all().get(WAIT_SECONDS, TimeUnit.SECONDS);
                LOG.infof("Created topic %s (%d partitions, replication factor %d, %s)", topic, partitions,
                        replicationFactor, topicConfig);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        } catch (ExecutionException e) {
            LOG.warnf("Could not create topic %s: %s", topic, e.getCause().toString());
        } catch (TimeoutException e) {
            LOG.warnf("Kafka at %s did not answer while creating topic %s",
                    KafkaClientProperties.bootstrapServers(kafka), topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warnf("Could not create topic %s: %s", topic, e.toString());
        }
    }

    /** Warns where the existing {@code topic} differs from what this service would create. */
    private static void compare(Admin admin, String topic, int partitions, short replicationFactor,
                                Map<String, String> topicConfig) throws InterruptedException {
        try {
            List<String> differences = differences(admin, topic, partitions, replicationFactor, topicConfig);
            if (!differences.isEmpty()) {
                LOG.warnf("Topic %s exists with other settings than this service's, left as it is: %s", topic,
                        String.join(", ", differences));
            }
        } catch (ExecutionException e) {
            LOG.warnf("Could not check the settings of topic %s: %s", topic, e.getCause().toString());
        } catch (TimeoutException e) {
            LOG.warnf("Kafka did not answer while checking the settings of topic %s", topic);
        }
    }

    private static List<String> differences(Admin admin, String topic, int partitions, short replicationFactor,
                                            Map<String, String> topicConfig)
            throws ExecutionException, InterruptedException, TimeoutException {
        TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                .get(WAIT_SECONDS, TimeUnit.SECONDS).get(topic);
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config actual = admin.describeConfigs(List.of(resource)).all().get(WAIT_SECONDS, TimeUnit.SECONDS)
                .get(resource);
        List<String> differences = new ArrayList<>();
        if (description.partitions().size() != partitions) {
            differences.add("partitions " + description.partitions().size() + " (configured " + partitions + ")");
        }
        int replicas = description.partitions().isEmpty() ? 0 : description.partitions().get(0).replicas().size();
        if (replicas != replicationFactor) {
            differences.add("replication factor " + replicas + " (configured " + replicationFactor + ")");
        }
        topicConfig.forEach((key, wanted) -> {
            ConfigEntry entry = actual.get(key);
            String value = entry == null ? null : entry.value();
            if (!wanted.equals(value)) {
                differences.add(key + "=" + value + " (configured " + wanted + ")");
            }
        });
        return differences;
    }
}
