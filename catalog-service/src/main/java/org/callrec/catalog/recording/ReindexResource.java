package org.callrec.catalog.recording;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.callrec.catalog.auth.Access;
import org.callrec.catalog.problem.ProblemException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code /api/v1/reindex}: rebuild the index from the bucket (operator). */
@Path("/api/v1/reindex")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "recordings")
public class ReindexResource {

    @Inject
    Reindex reindex;
    @Inject
    Access access;

    @POST
    @Operation(summary = "Start rebuilding the index from the bucket's metadata documents (operator); 409 while one runs")
    public Response start() {
        return Response.accepted(reindex.start(access.operator().actor())).build();
    }

    @GET
    @Operation(summary = "The latest reindex run and its progress (operator)")
    public Reindex.Run latest() {
        access.operator();
        return reindex.latest().orElseThrow(() -> ProblemException.notFound("no reindex has run"));
    }
}
