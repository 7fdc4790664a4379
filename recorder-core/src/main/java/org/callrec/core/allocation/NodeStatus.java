package org.callrec.core.allocation;

/**
 * Answer of {@code GET /internal/v1/node}: what an ingest node holds now. control-service asks
 * for it periodically to know that the node answers (readiness); operators may read it too.
 *
 * @param node           the node's id ({@code ingest.node-id})
 * @param address        the address it advertises to phones
 * @param portsFree      UDP ports it can hand out now
 * @param portsTotal     UDP ports in its pool
 * @param openRecordings recordings open on it
 * @param draining       whether it drains (SIGTERM or {@code POST /internal/v1/node/drain}):
 *                       it refuses new allocations with {@code shutting-down} while its open
 *                       recordings go on
 */
public record NodeStatus(String node, String address, int portsFree, int portsTotal, int openRecordings,
                         boolean draining) {
}
