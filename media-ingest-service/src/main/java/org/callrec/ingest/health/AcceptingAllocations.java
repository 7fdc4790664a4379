package org.callrec.ingest.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.callrec.ingest.allocation.Allocations;
import org.callrec.ingest.media.EventLoopDelay;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while the node takes new recordings; down once it drains (SIGTERM, or {@code POST
 * /internal/v1/node/drain}). An overloaded node stays ready (its refusals are per request and
 * short-lived: readiness flapping with load would do harm); the data says so.
 */
@Readiness
@ApplicationScoped
public class AcceptingAllocations implements HealthCheck {

    @Inject
    Allocations allocations;
    @Inject
    EventLoopDelay loopDelay;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("allocations")
                .status(allocations.accepting())
                .withData("openRecordings", allocations.sessions().size())
                .withData("overloaded", loopDelay.overloaded())
                .withData("eventLoopDelayMs", loopDelay.worstDelayMillis())
                .build();
    }
}
