package org.callrec.control.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.callrec.control.session.ControlSessions;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready while the instance takes new phones and recordings; down from SIGTERM on. */
@Readiness
@ApplicationScoped
public class AcceptingRecordings implements HealthCheck {

    @Inject
    ControlSessions sessions;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("control-sessions")
                .status(!sessions.draining())
                .withData("connections", sessions.connections())
                .build();
    }
}
