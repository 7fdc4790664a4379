package org.callrec.e2e;

import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * {@link TenantOutageAndReplicasEndToEndTest}'s tests, the same bodies, against the images
 * docker-compose.yml deploys (Kafka, MinIO, PostgreSQL; PostgreSQL stopped mid-call) in Docker
 * instead of the embedded stand-ins ({@link ContainersInfra}); the services still run as
 * processes on this machine. Skipped where no Docker engine answers.
 */
@Testcontainers(disabledWithoutDocker = true)
class TenantOutageAndReplicasEndToEndContainersTest extends TenantOutageAndReplicasEndToEndTest {
}
