package org.callrec.catalog.tenant;

import java.net.URI;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.callrec.catalog.api.ETags;
import org.callrec.catalog.api.JsonBodies;
import org.callrec.catalog.api.Page;
import org.callrec.catalog.auth.Access;
import org.callrec.catalog.auth.Caller;
import org.callrec.catalog.auth.Scope;
import org.callrec.catalog.config.CatalogConfig;
import org.callrec.catalog.tenant.TenantStore.Stored;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code /api/v1/tenants}: create and list (operator), read, merge-patch and delete one tenant
 * (operator, or a {@code tenant:admin} key of that tenant for GET and PATCH of its own members).
 */
@Path("/api/v1/tenants")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "tenants")
public class TenantResource {

    @Inject
    TenantService tenants;
    @Inject
    Access access;
    @Inject
    JsonBodies json;
    @Inject
    CatalogConfig config;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a tenant (operator)")
    public Response create(String body) {
        access.operator();
        Stored s = tenants.create(json.read(body, TenantInput.class));
        return Response.created(URI.create("/api/v1/tenants/" + s.tenant().id())).tag(etag(s)).entity(s.tenant()).build();
    }

    @GET
    @Operation(summary = "List tenants in id order (operator)")
    public Page<Tenant> list(@QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        access.operator();
        Page<Stored> page = tenants.list(cursor,
                Page.limit(limit, config.paging().defaultLimit(), config.paging().maxLimit()));
        return new Page<>(page.items().stream().map(Stored::tenant).toList(), page.next());
    }

    @GET
    @Path("{tenant}")
    @Operation(summary = "Read a tenant")
    public Response get(@PathParam("tenant") String id) {
        access.tenant(id, Scope.TENANT_ADMIN);
        Stored s = tenants.get(id);
        return Response.ok(s.tenant()).tag(etag(s)).build();
    }

    @PATCH
    @Path("{tenant}")
    @Consumes({MergePatch.MEDIA_TYPE, MediaType.APPLICATION_JSON})
    @Operation(summary = "Change a tenant (JSON Merge Patch; status, limits, retentionDays and placement: operator only)")
    public Response patch(@PathParam("tenant") String id, @HeaderParam("If-Match") String ifMatch, String body) {
        Caller caller = access.tenant(id, Scope.TENANT_ADMIN);
        Stored s = tenants.patch(id, body, ifMatch, caller);
        return Response.ok(s.tenant()).tag(etag(s)).build();
    }

    @DELETE
    @Path("{tenant}")
    @Operation(summary = "Delete a tenant with its devices and keys (operator)")
    public Response delete(@PathParam("tenant") String id, @HeaderParam("If-Match") String ifMatch) {
        access.operator();
        tenants.delete(id, ifMatch);
        return Response.noContent().build();
    }

    private static jakarta.ws.rs.core.EntityTag etag(Stored s) {
        return jakarta.ws.rs.core.EntityTag.valueOf(ETags.of(s.version()));
    }
}
