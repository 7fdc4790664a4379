package org.callrec.ingest.allocation;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.callrec.core.allocation.InternalApi;
import org.callrec.core.allocation.NodeStatus;
import org.callrec.ingest.config.IngestConfig;

/**
 * {@code /internal/v1/node}: this node's status, which control-service polls to know it
 * answers, and the drain that the Helm chart's preStop hook starts before SIGTERM.
 */
@Path(InternalApi.NODE)
@Produces(MediaType.APPLICATION_JSON)
public class NodeResource {

    @Inject
    Allocations allocations;
    @Inject
    IngestConfig config;

    @GET
    public NodeStatus status() {
        return new NodeStatus(allocations.nodeId(), config.advertisedAddress(), allocations.freePorts(),
                allocations.totalPorts(), allocations.sessions().size(), !allocations.accepting());
    }

    /**
     * {@code POST /internal/v1/node/drain}: the node takes no new recordings from now on
     * (readiness down, allocations refused with 503 {@code shutting-down}, as after SIGTERM)
     * while its open recordings go on; the process keeps running. Idempotent.
     */
    @POST
    @Path(InternalApi.DRAIN)
    public DrainStarted drain() {
        return new DrainStarted(allocations.nodeId(), allocations.startDrain());
    }

    /**
     * Answer of {@code POST /internal/v1/node/drain}.
     *
     * @param node           the node's id
     * @param openRecordings recordings open when the drain was asked for; they go on
     */
    public record DrainStarted(String node, int openRecordings) {
    }
}
