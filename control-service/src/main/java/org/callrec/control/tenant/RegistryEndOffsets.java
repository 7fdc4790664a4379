package org.callrec.control.tenant;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.callrec.control.config.ControlConfig;
import org.callrec.core.chunk.Topics;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;

/**
 * Once at startup, asks the broker for the registry topic's partitions and their beginning and
 * end offsets, so that {@link RegistryReplica} knows when it has read what was there; and creates
 * the activity topic ({@code callrec.tenant.activity}: compacted, one partition), whose owner
 * control-service is, when it does not exist yet. Retried
 * every second, off the event loop, until the broker answers and the topic exists (the catalog
 * creates it): until then the replica is not caught up. With a connector other than Kafka on the
 * channel (the tests' in-memory one) there are no offsets to wait for: caught up at once.
 */
@ApplicationScoped
public class RegistryEndOffsets {

    private static final Logger LOG = Logger.getLogger(RegistryEndOffsets.class);
    private static final long RETRY_MILLIS = 1_000;

    @Inject
    RegistryReplica replica;
    @Inject
    ControlConfig config;
    @Inject
    Config mpConfig;
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    private volatile boolean stopped;

    void start(@Observes StartupEvent event) {
        String channel = "mp.messaging.incoming." + RegistryReplica.CHANNEL + ".";
        String connector = mpConfig.getOptionalValue(channel + "connector", String.class).orElse("");
        if (!config.tenants().registry() || !"smallrye-kafka".equals(connector)) {
            replica.target(Map.of());
            return;
        }
        String topic = mpConfig.getOptionalValue(channel + "topic", String.class).orElse(Topics.REGISTRY);
        Thread t = new Thread(() -> load(topic), "registry-end-offsets");
        t.setDaemon(true);
        t.start();
    }

    void stop(@Observes io.quarkus.runtime.ShutdownEvent event) {
        stopped = true;
    }

    private void load(String topic) {
        Map<String, Object> props = new HashMap<>();
        kafka.forEach((k, v) -> {
            if (AdminClientConfig.configNames().contains(k)) {
                props.put(k, v);
            }
        });
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "control-registry-offsets");
        boolean warned = false;
        try (Admin admin = Admin.create(props)) {
            while (!stopped) {
                try {
                    createActivityTopic(admin);
                    replica.target(offsets(admin, topic));
                    return;
                } catch (ExecutionException | TimeoutException | RuntimeException e) {
                    if (!warned) {
                        LOG.warnf("Registry topic %s: cannot read its end offsets yet (%s); starts are refused no-capacity"
                                + " until it can be read. Retrying every second", topic, String.valueOf(e.getCause() != null ? e.getCause() : e));
                        warned = true;
                    }
                }
                Thread.sleep(RETRY_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void createActivityTopic(Admin admin) throws ExecutionException, InterruptedException, TimeoutException {
        String activity = mpConfig.getOptionalValue("mp.messaging.outgoing." + ActivityChannel.OUT + ".topic", String.class)
                .orElse(Topics.TENANT_ACTIVITY);
        try {
            // the broker's default replication factor; one record per instance, so one partition
            admin.createTopics(List.of(new NewTopic(activity, Optional.of(1), Optional.empty())
                    .configs(Map.of("cleanup.policy", "compact")))).all().get(10, TimeUnit.SECONDS);
            LOG.infof("Created topic %s (compacted, 1 partition)", activity);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    private static Map<Integer, long[]> offsets(Admin admin, String topic) throws ExecutionException, InterruptedException, TimeoutException {
        TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                .get(topic);
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        description.partitions().forEach(p -> {
            earliest.put(new TopicPartition(topic, p.partition()), OffsetSpec.earliest());
            latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
        });
        var begin = admin.listOffsets(earliest).all().get(10, TimeUnit.SECONDS);
        var end = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
        Map<Integer, long[]> out = new HashMap<>();
        end.forEach((tp, info) -> out.put(tp.partition(), new long[] {begin.get(tp).offset(), info.offset()}));
        return out;
    }
}
