package org.callrec.ingest.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.callrec.ingest.allocation.Allocations;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready while the node takes new recordings; down once it drains (SIGTERM, or {@code POST /internal/v1/node/drain}). */
@Readiness
@ApplicationScoped
public class AcceptingAllocations implements HealthCheck {

    @Inject
    Allocations allocations;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("allocations")
                .status(allocations.accepting())
                .withData("openRecordings", allocations.sessions().size())
                .build();
    }
}
