package org.callrec.storage.consume;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/** Health of the media consumer thread, at {@code /q/health/live} and {@code /q/health/ready}. */
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
}
