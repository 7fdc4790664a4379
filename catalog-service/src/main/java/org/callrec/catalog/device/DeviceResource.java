package org.callrec.catalog.device;

import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.callrec.catalog.api.ETags;
import org.callrec.catalog.api.JsonBodies;
import org.callrec.catalog.api.Page;
import org.callrec.catalog.auth.Access;
import org.callrec.catalog.auth.Caller;
import org.callrec.catalog.auth.Scope;
import org.callrec.catalog.config.CatalogConfig;
import org.callrec.catalog.device.DeviceService.ImportResult;
import org.callrec.catalog.device.DeviceStore.Stored;
import org.callrec.catalog.problem.ProblemException;
import org.callrec.core.registry.DeviceEntry;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code /api/v1/tenants/{tenant}/devices}: one device by MAC (PUT/GET/DELETE), the list, bulk
 * import (JSON array or CSV, all or nothing) and export. Operator, or a {@code tenant:admin} key
 * of the tenant.
 */
@Path("/api/v1/tenants/{tenant}/devices")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "devices")
public class DeviceResource {

    /** The body of a PUT. */
    public record DeviceBody(String label, Boolean enabled) {
    }

    @Inject
    DeviceService devices;
    @Inject
    Access access;
    @Inject
    JsonBodies json;
    @Inject
    CatalogConfig config;

    @PUT
    @Path("{mac}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Register or change a device (201 created, 200 updated)")
    public Response put(@PathParam("tenant") String tenant, @PathParam("mac") String rawMac,
                        @HeaderParam("If-Match") String ifMatch, String body) {
        Caller caller = access.tenant(tenant, Scope.TENANT_ADMIN);
        String mac = DeviceRules.mac(rawMac);
        DeviceBody b = json.read(body, DeviceBody.class);
        DeviceRules.labelProblem(b.label()).ifPresent(p -> {
            throw ProblemException.invalid("label", p);
        });
        DeviceService.Put put = devices.put(tenant, mac, b.label(), b.enabled() == null || b.enabled(), ifMatch, caller);
        return Response.status(put.created() ? 201 : 200).tag(etag(put.stored())).entity(put.stored().device()).build();
    }

    @GET
    @Path("{mac}")
    @Operation(summary = "Read a device")
    public Response get(@PathParam("tenant") String tenant, @PathParam("mac") String rawMac) {
        access.tenant(tenant, Scope.TENANT_ADMIN);
        Stored s = devices.get(tenant, DeviceRules.mac(rawMac));
        return Response.ok(s.device()).tag(etag(s)).build();
    }

    @DELETE
    @Path("{mac}")
    @Operation(summary = "Remove a device")
    public Response delete(@PathParam("tenant") String tenant, @PathParam("mac") String rawMac,
                           @HeaderParam("If-Match") String ifMatch) {
        access.tenant(tenant, Scope.TENANT_ADMIN);
        devices.delete(tenant, DeviceRules.mac(rawMac), ifMatch);
        return Response.noContent().build();
    }

    @GET
    @Operation(summary = "List a tenant's devices in MAC order")
    public Page<DeviceEntry> list(@PathParam("tenant") String tenant, @QueryParam("limit") String limit,
                                  @QueryParam("cursor") String cursor) {
        access.tenant(tenant, Scope.TENANT_ADMIN);
        return devices.list(tenant, cursor, Page.limit(limit, config.paging().defaultLimit(), config.paging().maxLimit()));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Bulk import from a JSON array of {mac,label,enabled}: all or nothing")
    public ImportResult importJson(@PathParam("tenant") String tenant, String body) {
        Caller caller = access.tenant(tenant, Scope.TENANT_ADMIN);
        var result = DeviceRules.fromJson(json.tree(body), tenant, config.imports().maxRows(), config.imports().maxErrors());
        return store(tenant, result, caller);
    }

    @POST
    @Consumes(DeviceCsv.MEDIA_TYPE)
    @Operation(summary = "Bulk import from CSV with header mac,label,enabled: all or nothing")
    public ImportResult importCsv(@PathParam("tenant") String tenant, String body) {
        Caller caller = access.tenant(tenant, Scope.TENANT_ADMIN);
        var result = DeviceRules.fromCsv(body == null ? "" : body, tenant, config.imports().maxRows(),
                config.imports().maxErrors());
        return store(tenant, result, caller);
    }

    @GET
    @Path("export")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Every device of the tenant as a JSON array of {mac,label,enabled}")
    public List<ImportRow> exportJson(@PathParam("tenant") String tenant) {
        access.tenant(tenant, Scope.TENANT_ADMIN);
        return devices.export(tenant).stream().map(d -> new ImportRow(d.mac(), d.label(), d.enabled())).toList();
    }

    @GET
    @Path("export")
    @Produces(DeviceCsv.MEDIA_TYPE)
    @Operation(summary = "Every device of the tenant as CSV (mac,label,enabled)")
    public Response exportCsv(@PathParam("tenant") String tenant) {
        access.tenant(tenant, Scope.TENANT_ADMIN);
        return Response.ok(DeviceCsv.write(devices.export(tenant)), DeviceCsv.MEDIA_TYPE + ";charset=utf-8").build();
    }

    private ImportResult store(String tenant, DeviceRules.Result result, Caller caller) {
        if (!result.errors().isEmpty()) {
            throw ProblemException.validation("some rows are not valid; nothing was imported", result.errors());
        }
        return devices.importAll(tenant, result.devices(), caller);
    }

    private static EntityTag etag(Stored s) {
        return EntityTag.valueOf(ETags.of(s.version()));
    }
}
