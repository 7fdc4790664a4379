package org.callrec.catalog.console;

import java.util.Arrays;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.callrec.catalog.auth.Caller;
import org.callrec.catalog.auth.CurrentCaller;
import org.callrec.catalog.auth.Scope;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /api/v1/me}: who the presented key is, so that the console shows only what it may
 * do. Authenticated like every {@code /api/} path (auth.ApiKeyFilter); any valid key may ask.
 */
@Path("/api/v1/me")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "console")
public class WhoAmIResource {

    /**
     * The answer.
     *
     * @param operator whether this is the operator key
     * @param tenant   the key's tenant; {@code null} for the operator
     * @param scopes   the wire names of what the key may do; every scope for the operator, who
     *                 needs none
     */
    public record Me(boolean operator, String tenant, List<String> scopes) {
    }

    @Inject
    CurrentCaller current;

    @GET
    @Operation(summary = "Who this key is: operator or tenant, and its scopes (any valid key)")
    public Me me() {
        Caller c = current.get();
        List<String> scopes = Arrays.stream(Scope.values()).filter(c::has).map(Scope::wire).toList();
        return new Me(c.operator(), c.tenant(), scopes);
    }
}
