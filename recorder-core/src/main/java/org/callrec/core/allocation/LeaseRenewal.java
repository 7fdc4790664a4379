package org.callrec.core.allocation;

import java.util.List;

/**
 * control-service's renewal of the leases of its open recordings on one ingest node.
 *
 * @param recordingIds the recordings, all held by the node the request goes to
 */
public record LeaseRenewal(List<String> recordingIds) {

    public LeaseRenewal {
        recordingIds = recordingIds == null ? List.of() : List.copyOf(recordingIds);
    }
}
