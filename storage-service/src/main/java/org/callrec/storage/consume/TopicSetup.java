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
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

/** Creates the topics this service reads and writes when they do not exist. */
final class TopicSetup {

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
