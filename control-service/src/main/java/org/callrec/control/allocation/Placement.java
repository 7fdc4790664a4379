package org.callrec.control.allocation;

import org.callrec.core.allocation.Allocation;

/**
 * Where a recording lives: the base URL of the ingest node that holds it (as in
 * {@code control.ingest.nodes}) and the endpoint it answered.
 */
public record Placement(String nodeUrl, Allocation allocation) {

    /** The recording's server-side id. */
    public String recordingId() {
        return allocation.recordingId();
    }
}
