package org.callrec.catalog.registry;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.callrec.catalog.config.CatalogConfig;
import org.callrec.core.chunk.Topics;
import org.jboss.logging.Logger;

import io.smallrye.common.annotation.Identifier;

/**
 * The registry topic ({@link Topics#REGISTRY}) is the catalog's: created with
 * {@code cleanup.policy=compact} when missing (partitions and replication from
 * {@code catalog.registry.*}); an existing topic that is not compacted is reported at WARN, as
 * the data plane would then lose records to retention.
 */
@ApplicationScoped
public class RegistryTopic {

    private static final Logger LOG = Logger.getLogger(RegistryTopic.class);

    /** Topic configuration the registry needs: compaction, never deletion by time or size. */
    public static final Map<String, String> REQUIRED_CONFIG = Map.of(
            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);

    @Inject
    CatalogConfig config;
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    /**
     * Creates the topic if missing, checks it otherwise (blocking).
     *
     * @throws IllegalStateException when the broker cannot be asked within {@code catalog.registry.admin-timeout}
     */
    public void ensure() {
        Map<String, Object> p = new HashMap<>();
        kafka.forEach((k, v) -> {
            if (AdminClientConfig.configNames().contains(k)) {
                p.put(k, v);
            }
        });
        int millis = (int) config.registry().adminTimeout().toMillis();
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "callrec-catalog-topic-setup");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        try (Admin admin = Admin.create(p)) {
            Set<String> names = admin.listTopics().names().get(millis, TimeUnit.MILLISECONDS);
            if (!names.contains(Topics.REGISTRY)) {
                Map<String, String> configs = new HashMap<>(REQUIRED_CONFIG);
                config.registry().minInsyncReplicas()
                        .ifPresent(m -> configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, m.toString()));
                try {
                    admin.createTopics(List.of(new NewTopic(Topics.REGISTRY, config.registry().partitions(),
                            config.registry().replicationFactor()).configs(configs))).all().get(millis, TimeUnit.MILLISECONDS);
                    LOG.infof("Created the registry topic %s (compacted, %d partition(s))", Topics.REGISTRY,
                            config.registry().partitions());
                    return;
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                    // another replica created it in between
                }
            }
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, Topics.REGISTRY);
            Config existing = admin.describeConfigs(List.of(resource)).all().get(millis, TimeUnit.MILLISECONDS)
                    .get(resource);
            String policy = existing.get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
            if (!policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT) || policy.contains(TopicConfig.CLEANUP_POLICY_DELETE)) {
                LOG.warnf("The registry topic %s has cleanup.policy=%s, not compact: the data plane's replica "
                        + "loses records to retention. Set cleanup.policy=compact on it.", Topics.REGISTRY, policy);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer about the registry topic: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
