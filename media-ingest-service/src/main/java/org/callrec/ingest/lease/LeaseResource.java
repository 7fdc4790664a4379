package org.callrec.ingest.lease;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.callrec.core.allocation.InternalApi;
import org.callrec.core.allocation.LeaseAnswer;
import org.callrec.core.allocation.LeaseRenewal;
import org.callrec.ingest.allocation.Allocations;

/**
 * control-service renews the leases of its open recordings on this node, in one batch per
 * node; the answer lists the ids this node does not hold, so control can tell them apart.
 */
@Path(InternalApi.LEASES)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class LeaseResource {

    @Inject
    Allocations allocations;

    /** Renews the leases; answers the unknown ids. */
    @POST
    public LeaseAnswer renew(LeaseRenewal renewal) {
        return new LeaseAnswer(allocations.renew(renewal == null ? java.util.List.of() : renewal.recordingIds()));
    }
}
