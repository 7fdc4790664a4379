package org.callrec.control.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.callrec.control.allocation.IngestAllocator;
import org.callrec.control.protocol.ControlServer;
import org.callrec.control.tenant.RegistryReplica;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.health.Startup;

/**
 * Health of control-service on the management port: {@code /q/health/started},
 * {@code /q/health/ready}; {@code /q/health/live} has no check of its own (UP while the process
 * answers), so an ingest outage never restarts the service.
 */
public final class ControlHealth {

    private ControlHealth() {
    }

    /** Started, and ready as far as the phones' side goes, once the TCP server listens. */
    @Startup
    @Readiness
    @ApplicationScoped
    public static class TcpServer implements HealthCheck {

        @Inject
        ControlServer server;

        @Override
        public HealthCheckResponse call() {
            int port = server.port();
            return HealthCheckResponse.named("control-server")
                    .status(port > 0)
                    .withData("port", port)
                    .build();
        }
    }

    /**
     * Ready while at least one ingest node answered recently: without one, every start would be
     * refused {@code no-capacity}, so phones are better sent to another instance.
     */
    @Readiness
    @ApplicationScoped
    public static class IngestNodes implements HealthCheck {

        @Inject
        IngestAllocator ingest;

        @Override
        public HealthCheckResponse call() {
            int answering = ingest.nodesAnswering();
            return HealthCheckResponse.named("ingest-nodes")
                    .status(answering > 0)
                    .withData("answering", answering)
                    .withData("configured", ingest.nodesConfigured())
                    .build();
        }
    }

    /**
     * Ready once the registry replica has read what the topic held when the instance started:
     * before, a start would be resolved against part of the registry (it is refused
     * {@code no-capacity} meanwhile). Stays up when Kafka goes away later: the last known
     * registry keeps serving.
     */
    @Readiness
    @ApplicationScoped
    public static class Registry implements HealthCheck {

        @Inject
        RegistryReplica replica;

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named("registry-replica")
                    .status(replica.caughtUp())
                    .withData("tenants", replica.registry().tenantCount())
                    .withData("devices", replica.registry().deviceCount())
                    .build();
        }
    }
}
