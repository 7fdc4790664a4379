package org.callrec.storage.consume;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

/** Creates the topics this service reads and writes when they do not exist. */
final class TopicSetup {

    private static final Logger LOG = Logger.getLogger(TopicSetup.class);

    private TopicSetup() {
    }

    /**
     * Creates each missing topic of {@code topics} with {@code partitions} partitions and
     * {@code replicationFactor} replicas; topics created meanwhile by someone else are fine.
     */
    static void ensure(Map<String, Object> adminProps, List<String> topics, int partitions, short replicationFactor,
                       Duration timeout) throws ExecutionException, InterruptedException, TimeoutException {
        Admin admin = Admin.create(adminProps);
        try {
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : topics) {
                if (!existing.contains(topic) && missing.stream().noneMatch(t -> t.name().equals(topic))) {
                    missing.add(new NewTopic(topic, partitions, replicationFactor));
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            for (var e : admin.createTopics(missing).values().entrySet()) {
                try {
                    e.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    LOG.infof("Created topic %s (%d partitions, replication factor %d)", e.getKey(), partitions,
                            replicationFactor);
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
