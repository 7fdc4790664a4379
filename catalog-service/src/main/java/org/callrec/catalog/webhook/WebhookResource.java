package org.callrec.catalog.webhook;

import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.callrec.catalog.api.ETags;
import org.callrec.catalog.api.JsonBodies;
import org.callrec.catalog.api.Page;
import org.callrec.catalog.audit.AuditLog;
import org.callrec.catalog.audit.AuditLog.Action;
import org.callrec.catalog.auth.Access;
import org.callrec.catalog.auth.Caller;
import org.callrec.catalog.auth.Scope;
import org.callrec.catalog.config.CatalogConfig;
import org.callrec.catalog.db.Db;
import org.callrec.catalog.problem.ProblemException;
import org.callrec.catalog.tenant.MergePatch;
import org.callrec.catalog.tenant.TenantStore;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code /api/v1/tenants/{tenant}/webhooks}: a tenant's webhooks (the secret is in the creating
 * answer only) and each one's deliveries. Operator, or a {@code tenant:admin} key of the tenant;
 * another tenant's webhook is 404. Every change is in the audit trail, in its own transaction.
 */
@Path("/api/v1/tenants/{tenant}/webhooks")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "webhooks")
public class WebhookResource {

    /** The body of a POST. */
    public record NewWebhook(String url, List<String> events, Boolean enabled) {
    }

    @Inject
    Access access;
    @Inject
    JsonBodies json;
    @Inject
    Db db;
    @Inject
    AuditLog audit;
    @Inject
    CatalogConfig config;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a webhook; its signing secret is shown in this answer only")
    public Response create(@PathParam("tenant") String tenant, String body) {
        Caller caller = access.tenant(tenant, Scope.TENANT_ADMIN);
        NewWebhook req = json.read(body, NewWebhook.class);
        String url = WebhookRules.url(req.url(), config.webhooks().allowPrivateNetworks());
        List<String> events = WebhookRules.events(req.events());
        boolean enabled = req.enabled() == null || req.enabled();
        Webhook created = db.inTransaction(tx -> {
            Connection c = tx.connection();
            // the tenant row locked: two concurrent creates cannot both pass the count
            requireTenant(c, tenant, true);
            int max = config.webhooks().maxPerTenant();
            if (WebhookStore.count(c, tenant) >= max) {
                throw ProblemException.conflict("too-many-webhooks", "tenant " + tenant + " has " + max
                        + " webhooks already (catalog.webhooks.max-per-tenant)", null);
            }
            Webhook w = WebhookStore.create(c, tenant, url, events, enabled);
            audit.record(c, tenant, caller.actor(), Action.WEBHOOK_CREATE, w.id(), describe(w));
            return w;
        });
        return Response.created(URI.create("/api/v1/tenants/" + tenant + "/webhooks/" + created.id()))
                .header("Cache-Control", "no-store").tag(etag(created)).entity(created).build();
    }

    @GET
    @Operation(summary = "List the tenant's webhooks (without secrets); all of them, next is always null")
    public Page<Webhook> list(@PathParam("tenant") String tenant) {
        access.tenant(tenant, Scope.TENANT_ADMIN);
        return db.inTransaction(tx -> {
            requireTenant(tx.connection(), tenant, false);
            return new Page<>(WebhookStore.list(tx.connection(), tenant), null);
        });
    }

    @GET
    @Path("{id}")
    @Operation(summary = "Read a webhook (without its secret)")
    public Response get(@PathParam("tenant") String tenant, @PathParam("id") String id) {
        access.tenant(tenant, Scope.TENANT_ADMIN);
        Webhook w = db.inTransaction(tx -> require(tx.connection(), tenant, id, false));
        return Response.ok(w).tag(etag(w)).build();
    }

    @PATCH
    @Path("{id}")
    @Consumes({MergePatch.MEDIA_TYPE, MediaType.APPLICATION_JSON})
    @Operation(summary = "Change a webhook's url, events or enabled (JSON Merge Patch)")
    public Response patch(@PathParam("tenant") String tenant, @PathParam("id") String id,
                          @HeaderParam("If-Match") String ifMatch, String body) {
        Caller caller = access.tenant(tenant, Scope.TENANT_ADMIN);
        JsonNode patch = json.tree(body);
        if (!patch.isObject()) {
            throw ProblemException.malformed("a merge patch must be a JSON object");
        }
        Iterator<String> names = patch.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (!List.of("url", "events", "enabled").contains(n)) {
                throw ProblemException.invalid(n, "unknown field");
            }
        }
        boolean allowPrivate = config.webhooks().allowPrivateNetworks();
        Webhook updated = db.inTransaction(tx -> {
            Connection c = tx.connection();
            Webhook w = require(c, tenant, id, true);
            ETags.check(ifMatch, w.version());
            String url = w.url();
            List<String> events = w.events();
            boolean enabled = w.enabled();
            if (patch.has("url")) {
                JsonNode u = patch.get("url");
                if (!u.isTextual()) {
                    throw ProblemException.invalid("url", u.isNull() ? "required" : "wrong type");
                }
                url = WebhookRules.url(u.asText(), allowPrivate);
            }
            if (patch.has("events")) {
                events = WebhookRules.events(eventList(patch.get("events")));
            }
            if (patch.has("enabled")) {
                JsonNode e = patch.get("enabled");
                if (!e.isBoolean() && !e.isNull()) {
                    throw ProblemException.invalid("enabled", "wrong type");
                }
                enabled = e.isNull() || e.asBoolean(); // null: back to the default, true
            }
            Map<String, Object> detail = new LinkedHashMap<>();
            List<String> changed = new ArrayList<>();
            if (!url.equals(w.url())) {
                changed.add("url");
            }
            if (!events.equals(w.events())) {
                changed.add("events");
            }
            if (enabled != w.enabled()) {
                changed.add("enabled");
            }
            if (changed.isEmpty()) {
                return w;
            }
            Webhook u = WebhookStore.update(c, tenant, id, url, events, enabled);
            detail.put("changed", changed);
            detail.putAll(describe(u));
            audit.record(c, tenant, caller.actor(), Action.WEBHOOK_UPDATE, id, detail);
            return u;
        });
        return Response.ok(updated).tag(etag(updated)).build();
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Delete a webhook and its deliveries")
    public Response delete(@PathParam("tenant") String tenant, @PathParam("id") String id,
                           @HeaderParam("If-Match") String ifMatch) {
        Caller caller = access.tenant(tenant, Scope.TENANT_ADMIN);
        db.inTransaction(tx -> {
            Connection c = tx.connection();
            Webhook w = require(c, tenant, id, true);
            ETags.check(ifMatch, w.version());
            WebhookStore.delete(c, tenant, id);
            audit.record(c, tenant, caller.actor(), Action.WEBHOOK_DELETE, id, Map.of("url", w.url()));
            return null;
        });
        return Response.noContent().build();
    }

    @GET
    @Path("{id}/deliveries")
    @Operation(summary = "The webhook's deliveries, newest first")
    public Page<Delivery> deliveries(@PathParam("tenant") String tenant, @PathParam("id") String id,
                                     @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        access.tenant(tenant, Scope.TENANT_ADMIN);
        int n = Page.limit(limit, config.paging().defaultLimit(), config.paging().maxLimit());
        Long before = beforeId(Page.after(cursor));
        return db.inTransaction(tx -> {
            require(tx.connection(), tenant, id, false);
            List<Delivery> items = WebhookStore.deliveries(tx.connection(), id, before, n + 1);
            if (items.size() <= n) {
                return new Page<>(items, null);
            }
            List<Delivery> page = items.subList(0, n);
            return new Page<>(List.copyOf(page), Page.cursor(Long.toString(page.get(n - 1).id())));
        });
    }

    private static Long beforeId(String key) {
        if (key == null) {
            return null;
        }
        try {
            return Long.parseLong(key);
        } catch (NumberFormatException e) {
            throw ProblemException.invalid("cursor", "not a cursor of this list");
        }
    }

    private static List<String> eventList(JsonNode node) {
        if (node.isNull()) {
            return null; // required: refused by the rules
        }
        if (!node.isArray()) {
            throw ProblemException.invalid("events", "wrong type");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            if (!node.get(i).isTextual()) {
                throw ProblemException.invalid("events[" + i + "]", "wrong type");
            }
            out.add(node.get(i).asText());
        }
        return out;
    }

    private static void requireTenant(Connection c, String tenant, boolean forUpdate) throws SQLException {
        if (TenantStore.find(c, tenant, forUpdate).isEmpty()) {
            throw ProblemException.notFound("no tenant " + tenant);
        }
    }

    private static Webhook require(Connection c, String tenant, String id, boolean forUpdate) throws SQLException {
        return WebhookStore.find(c, tenant, id, forUpdate)
                .orElseThrow(() -> ProblemException.notFound("no webhook " + id + " in tenant " + tenant));
    }

    private static Map<String, Object> describe(Webhook w) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("url", w.url());
        d.put("events", w.events());
        d.put("enabled", w.enabled());
        return d;
    }

    private static EntityTag etag(Webhook w) {
        return EntityTag.valueOf(ETags.of(w.version()));
    }
}
