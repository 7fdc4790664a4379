package org.callrec.storage.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.callrec.storage.consume.MediaConsumer;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.health.Startup;

/**
 * Health of the media consumer thread, at {@code /q/health/started}, {@code /q/health/ready} and
 * {@code /q/health/live}.
 */
public final class MediaConsumerHealth {

    private static final String NAME = "media-consumer";

    private MediaConsumerHealth() {
    }

    /** Ready once topics and bucket exist and the consumer is polling. */
    @Readiness
    @ApplicationScoped
    public static class Ready implements HealthCheck {

        @Inject
        MediaConsumer consumer;

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named(NAME)
                    .status(consumer.state() == MediaConsumer.State.RUNNING)
                    .withData("state", consumer.state().name())
                    .build();
        }
    }

    /** Down only when the consumer thread died of an unexpected error (restart the process). */
    @Liveness
    @ApplicationScoped
    public static class Live implements HealthCheck {

        @Inject
        MediaConsumer consumer;

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named(NAME)
                    .status(consumer.alive())
                    .withData("state", consumer.state().name())
                    .build();
        }
    }

    /** Started once the consumer thread was launched (it then waits for Kafka and S3 as long as needed). */
    @Startup
    @ApplicationScoped
    public static class Started implements HealthCheck {

        @Inject
        MediaConsumer consumer;

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named("storage-service").status(consumer.launched()).build();
        }
    }
}
