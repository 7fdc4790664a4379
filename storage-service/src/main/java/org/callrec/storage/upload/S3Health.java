package org.callrec.storage.upload;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.callrec.storage.config.StorageConfig;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Readiness check {@code object-store}: DOWN while S3 does not answer — the last upload step or
 * bucket check failed. A HEAD of the bucket every {@code storage.s3.probe-interval}, on a thread
 * of its own, notices an outage while nothing is uploaded, and its end while uploads wait for
 * their backoff.
 */
@Readiness
@ApplicationScoped
public class S3Health implements HealthCheck {

    private static final String NAME = "object-store";

    @Inject
    S3Store s3;

    @Inject
    StorageConfig config;

    private ScheduledExecutorService prober;

    void onStart(@Observes StartupEvent event) {
        prober = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "storage-s3-probe");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(100, config.s3().probeInterval().toMillis());
        prober.scheduleWithFixedDelay(s3::probe, every, every, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (prober != null) {
            prober.shutdownNow();
        }
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named(NAME).status(s3.answering()).withData("bucket", s3.bucket());
        if (!s3.answering()) {
            response.withData("failure", s3.lastFailure());
        }
        return response.build();
    }
}
