package org.callrec.catalog.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.callrec.catalog.registry.OutboxPublisher;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness check {@code registry-publisher}: the registry topic was created or checked, so
 * changes can be published; says whether this replica holds the publisher lock and, if so, how
 * many outbox rows wait ({@code outboxRows}, -1 on the others; it grows while Kafka is down). (The database
 * and the Kafka channels have their own checks: Agroal's and SmallRye Reactive Messaging's.)
 */
@Readiness
@ApplicationScoped
public class RegistryTopicHealth implements HealthCheck {

    @Inject
    OutboxPublisher publisher;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("registry-publisher")
                .status(publisher.topicReady())
                .withData("leader", publisher.leader())
                .withData("outboxRows", publisher.backlog())
                .build();
    }
}
