package org.callrec.ingest.allocation;

import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.callrec.core.allocation.AllocateRequest;
import org.callrec.core.allocation.ApiError;
import org.callrec.core.allocation.InternalApi;
import org.callrec.core.allocation.ReleaseRequest;
import org.callrec.core.chunk.StopReason;
import org.callrec.core.protocol.RefusalReason;

import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;

/** The internal API control-service calls (see {@link org.callrec.core.allocation}). */
@Path(InternalApi.ALLOCATIONS)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AllocationResource {

    @Inject
    Allocations allocations;

    /** Binds a UDP port for a recording and publishes its start record. */
    @POST
    public Uni<Response> allocate(AllocateRequest request) {
        if (request == null) {
            return Uni.createFrom().item(error(400, RefusalReason.BAD_REQUEST.token(), "missing body"));
        }
        return Uni.createFrom().completionStage(() -> allocations.allocate(request).toCompletionStage())
                .map(a -> Response.ok(a).build())
                .onFailure(AllocationException.class)
                .recoverWithItem(e -> {
                    AllocationException ae = (AllocationException) e;
                    return error(ae.status(), ae.error(), ae.getMessage());
                });
    }

    /** Ends a recording: last chunk, end record, port back to the pool (after quarantine). */
    @POST
    @Path(InternalApi.RELEASE)
    @Blocking
    public Response release(@PathParam(InternalApi.RECORDING_ID) String recordingId, ReleaseRequest request) {
        ReleaseRequest r = request == null ? new ReleaseRequest(StopReason.STOP.token(), java.util.Map.of()) : request;
        return allocations.release(recordingId, r.reason(), r.fields())
                .map(result -> Response.ok(result).build())
                .orElseGet(() -> error(404, RefusalReason.UNKNOWN_RECORDING.token(), "no open recording " + recordingId));
    }

    /** Open recordings on this node (operators, tests). */
    @GET
    public List<OpenRecording> list() {
        return allocations.sessions().stream()
                .map(s -> new OpenRecording(s.start().recordingId(), s.start().phoneAddress(), s.port(),
                        s.result().packetsAccepted()))
                .toList();
    }

    /** One line of {@link #list()}. */
    public record OpenRecording(String recordingId, String phoneAddress, int port, long packetsAccepted) {
    }

    private static Response error(int status, String token, String message) {
        return Response.status(status).entity(new ApiError(token, message)).type(MediaType.APPLICATION_JSON).build();
    }
}
