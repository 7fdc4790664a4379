package org.callrec.catalog.key;

import java.net.URI;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.callrec.catalog.api.JsonBodies;
import org.callrec.catalog.audit.AuditLog;
import org.callrec.catalog.audit.AuditLog.Action;
import org.callrec.catalog.auth.Access;
import org.callrec.catalog.auth.Caller;
import org.callrec.catalog.auth.ApiKey;
import org.callrec.catalog.auth.ApiKeyStore;
import org.callrec.catalog.auth.Scope;
import org.callrec.catalog.db.Db;
import org.callrec.catalog.problem.Problem.FieldError;
import org.callrec.catalog.problem.ProblemException;
import org.callrec.catalog.tenant.TenantStore;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code /api/v1/tenants/{tenant}/keys}: create (the secret is in this answer only), list (no
 * secrets) and revoke tenant API keys. Operator, or a {@code tenant:admin} key of the tenant.
 */
@Path("/api/v1/tenants/{tenant}/keys")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "keys")
public class KeyResource {

    /** The body of a POST. */
    public record NewKey(List<String> scopes) {
    }

    @Inject
    ApiKeyStore keys;
    @Inject
    Access access;
    @Inject
    JsonBodies json;
    @Inject
    Db db;
    @Inject
    AuditLog audit;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create an API key; the key is shown in this answer only")
    public Response create(@PathParam("tenant") String tenant, String body) {
        Caller caller = access.tenant(tenant, Scope.TENANT_ADMIN);
        NewKey req = json.read(body, NewKey.class);
        if (req.scopes() == null || req.scopes().isEmpty()) {
            throw ProblemException.invalid("scopes", "at least one scope is required");
        }
        EnumSet<Scope> scopes = EnumSet.noneOf(Scope.class);
        List<FieldError> errors = new ArrayList<>();
        for (int i = 0; i < req.scopes().size(); i++) {
            String w = req.scopes().get(i);
            Scope.of(w).ifPresentOrElse(scopes::add, () -> { });
            if (Scope.of(w).isEmpty()) {
                errors.add(FieldError.of("scopes[" + i + "]", "unknown scope; one of "
                        + String.join(", ", java.util.Arrays.stream(Scope.values()).map(Scope::wire).toList())));
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.validation("unknown scopes", errors);
        }
        ApiKey key = db.inTransaction(tx -> {
            if (TenantStore.find(tx.connection(), tenant, true).isEmpty()) {
                throw ProblemException.notFound("no tenant " + tenant);
            }
            ApiKey created = keys.create(tx.connection(), tenant, scopes);
            audit.record(tx.connection(), tenant, caller.actor(), Action.KEY_CREATE, created.id(),
                    Map.of("scopes", scopes.stream().map(Scope::wire).toList()));
            return created;
        });
        return Response.created(URI.create("/api/v1/tenants/" + tenant + "/keys/" + key.id()))
                .header("Cache-Control", "no-store").entity(key).build();
    }

    @GET
    @Operation(summary = "List the tenant's API keys (without secrets)")
    public List<ApiKey> list(@PathParam("tenant") String tenant) {
        access.tenant(tenant, Scope.TENANT_ADMIN);
        return db.inTransaction(tx -> {
            if (TenantStore.find(tx.connection(), tenant, false).isEmpty()) {
                throw ProblemException.notFound("no tenant " + tenant);
            }
            return keys.list(tx.connection(), tenant);
        });
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Revoke an API key")
    public Response delete(@PathParam("tenant") String tenant, @PathParam("id") String id) {
        Caller caller = access.tenant(tenant, Scope.TENANT_ADMIN);
        boolean deleted = db.inTransaction(tx -> {
            boolean gone = keys.delete(tx.connection(), tenant, id);
            if (gone) {
                audit.record(tx.connection(), tenant, caller.actor(), Action.KEY_REVOKE, id, Map.of());
            }
            return gone;
        });
        if (!deleted) {
            throw ProblemException.notFound("no key " + id + " in tenant " + tenant);
        }
        return Response.noContent().build();
    }
}
