package org.callrec.storage.consume;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.callrec.core.chunk.Topics;
import org.jboss.logging.Logger;

/**
 * The topics of this service: it creates the one it owns (the completed topic) when it does not
 * exist, and checks the one it reads (the media topic, owned and created by media-ingest-service):
 * that it exists and has the configuration storage's durability relies on
 * ({@link Topics#MEDIA_REQUIRED_CONFIG}).
 */
final class TopicSetup {

    /** The topic to read does not exist (yet). */
    static final class MissingTopic extends Exception {
        MissingTopic(String message) {
            super(message, null, false, false);
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }

    /**
     * The topic configuration for {@code retention} and, if given, {@code min.insync.replicas}:
     * time-based retention only (no size limit), deletion (not compaction).
     */
    static Map<String, String> topicConfig(Duration retention, OptionalInt minInsyncReplicas) {
        Map<String, String> c = new TreeMap<>();
        c.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
        c.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis()));
        c.put(TopicConfig.RETENTION_BYTES_CONFIG, "-1");
        minInsyncReplicas.ifPresent(n -> c.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(n)));
        return c;
    }

    private static final Logger LOG = Logger.getLogger(TopicSetup.class);

    private TopicSetup() {
    }

    /**
     * Checks that {@code topic} exists and logs its partitions and retention; a WARN for each
     * entry of {@code required} that its configuration contradicts (the topic is left as it
     * is: its owner configures it).
     *
     * @throws MissingTopic when the topic does not exist
     */
    static void check(Map<String, Object> adminProps, String topic, String owner, Map<String, String> required,
                      Duration timeout) throws ExecutionException, InterruptedException, TimeoutException, MissingTopic {
        Admin admin = Admin.create(adminProps);
        try {
            long ms = timeout.toMillis();
            if (!admin.listTopics().names().get(ms, TimeUnit.MILLISECONDS).contains(topic)) {
                throw new MissingTopic("topic " + topic + " does not exist yet: waiting for " + owner + " to create it");
            }
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(ms, TimeUnit.MILLISECONDS)
                    .get(topic).partitions().size();
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(List.of(resource)).all().get(ms, TimeUnit.MILLISECONDS)
                    .get(resource);
            for (Map.Entry<String, String> e : new TreeMap<>(required).entrySet()) {
                ConfigEntry actual = config.get(e.getKey());
                String value = actual == null ? null : actual.value();
                if (!e.getValue().equals(value)) {
                    LOG.warnf("Topic %s has %s=%s, storage needs %s=%s: records may be deleted before they are"
                            + " stored; %s configures the topic", topic, e.getKey(), value, e.getKey(), e.getValue(),
                            owner);
                }
            }
            ConfigEntry retention = config.get(TopicConfig.RETENTION_MS_CONFIG);
            LOG.infof("Reading topic %s (%d partitions, retention.ms=%s, created by %s)", topic, partitions,
                    retention == null ? null : retention.value(), owner);
        } finally {
            admin.close(timeout);
        }
    }

    /**
     * Creates each missing topic of {@code topics} with {@code partitions} partitions,
     * {@code replicationFactor} replicas and the topic configuration {@code topicConfig}; topics
     * that exist (or are created meanwhile by someone else) are left as they are.
     */
    static void ensure(Map<String, Object> adminProps, List<String> topics, int partitions, short replicationFactor,
                       Map<String, String> topicConfig, Duration timeout)
            throws ExecutionException, InterruptedException, TimeoutException {
        Admin admin = Admin.create(adminProps);
        try {
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : topics) {
                if (!existing.contains(topic) && missing.stream().noneMatch(t -> t.name().equals(topic))) {
                    missing.add(new NewTopic(topic, partitions, replicationFactor).configs(topicConfig));
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            for (var e : admin.createTopics(missing).values().entrySet()) {
                try {
                    e.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    LOG.infof("Created topic %s (%d partitions, replication factor %d, %s)", e.getKey(), partitions,
                            replicationFactor, topicConfig);
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof TopicExistsException)) {
                        throw ex;
                    }
                }
            }
        } finally {
            admin.close(timeout);
        }
    }
}
