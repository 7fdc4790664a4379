package org.callrec.storage.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.callrec.storage.consume.MediaConsumer;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness check {@code spill-io}: DOWN while spill-file writes in {@code storage.work-dir} fail
 * (after their retries), and while a recording such a failure left unassembled waits to be read
 * again from Kafka (which happens once the directory can be written). Data: {@code failing},
 * {@code lastError}, {@code unstoredRecordings}.
 */
@Readiness
@ApplicationScoped
public class SpillHealth implements HealthCheck {

    @Inject
    MediaConsumer consumer;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("spill-io").status(consumer.spillHealthy());
        consumer.spillState().forEach((k, v) -> b.withData(k, String.valueOf(v)));
        return b.build();
    }
}
