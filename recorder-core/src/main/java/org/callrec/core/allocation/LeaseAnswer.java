package org.callrec.core.allocation;

import java.util.List;

/**
 * The ingest node's answer to a {@link LeaseRenewal}.
 *
 * @param unknown the ids of the renewal that the node does not hold (ended there, or never
 *                made): their leases were not renewed
 */
public record LeaseAnswer(List<String> unknown) {

    public LeaseAnswer {
        unknown = unknown == null ? List.of() : List.copyOf(unknown);
    }
}
