package org.callrec.storage.health;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.callrec.storage.config.StorageConfig;
import org.callrec.storage.upload.S3Store;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Readiness check {@code object-store}, the one S3 check: DOWN while S3 does not answer — the last
 * exchange with it (an upload step, the bucket check at startup or the probe) failed, or the
 * bucket does not exist. The probe, a HEAD of the bucket with the short time limit of
 * {@code storage.health.check-timeout}, runs at startup and then every
 * {@code storage.s3.probe-interval} on a thread of its own: it notices an outage while nothing is
 * uploaded, and its end while uploads wait for their backoff. The health endpoint only reads the
 * last outcome and never waits for the network. S3 plays no part in liveness.
 */
@Readiness
@ApplicationScoped
public class ObjectStoreHealth implements HealthCheck {

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
        prober.scheduleWithFixedDelay(s3::probe, 0, every, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (prober != null) {
            prober.shutdownNow();
        }
    }

    @Override
    public HealthCheckResponse call() {
        boolean answering = s3.answering();
        var response = HealthCheckResponse.named(NAME).status(answering)
                .withData("endpoint", config.s3().endpoint())
                .withData("bucket", s3.bucket());
        if (!answering) {
            response.withData("failure", s3.lastFailure());
        }
        return response.build();
    }
}
