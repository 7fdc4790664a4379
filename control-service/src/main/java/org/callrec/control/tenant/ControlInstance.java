package org.callrec.control.tenant;

import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.callrec.control.config.ControlConfig;

import io.smallrye.common.annotation.Identifier;

/**
 * This instance's id ({@code control.tenants.instance-id}, or {@code control-<random UUID>}) and
 * the consumer settings its channels take from it: a consumer group of their own per instance
 * (every instance reads both topics whole; nothing is committed).
 */
@ApplicationScoped
public class ControlInstance {

    /** The {@code kafka-configuration} of the registry channel. */
    public static final String REGISTRY_KAFKA = "control-registry-kafka";
    /** The {@code kafka-configuration} of the activity channel. */
    public static final String ACTIVITY_KAFKA = "control-activity-kafka";

    private final String id;

    @Inject
    public ControlInstance(ControlConfig config) {
        this.id = config.tenants().instanceId().filter(s -> !s.isBlank()).orElse("control-" + UUID.randomUUID());
    }

    public String id() {
        return id;
    }

    @Produces
    @Singleton
    @Identifier(REGISTRY_KAFKA)
    Map<String, Object> registryConsumer() {
        return Map.of("group.id", "control-registry-" + id);
    }

    @Produces
    @Singleton
    @Identifier(ACTIVITY_KAFKA)
    Map<String, Object> activityConsumer() {
        return Map.of("group.id", "control-activity-" + id);
    }
}
