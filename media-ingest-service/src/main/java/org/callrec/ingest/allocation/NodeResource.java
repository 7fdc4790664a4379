package org.callrec.ingest.allocation;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.callrec.core.allocation.NodeStatus;
import org.callrec.ingest.config.IngestConfig;

/** {@code GET /internal/v1/node}: this node's status, which control-service polls to know it answers. */
@Path("/internal/v1/node")
@Produces(MediaType.APPLICATION_JSON)
public class NodeResource {

    @Inject
    Allocations allocations;
    @Inject
    IngestConfig config;

    @GET
    public NodeStatus status() {
        return new NodeStatus(allocations.nodeId(), config.advertisedAddress(), allocations.freePorts(),
                allocations.totalPorts(), allocations.sessions().size());
    }
}
