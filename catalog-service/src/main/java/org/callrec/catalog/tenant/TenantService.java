package org.callrec.catalog.tenant;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.callrec.catalog.api.ETags;
import org.callrec.catalog.api.JsonBodies;
import org.callrec.catalog.api.Page;
import org.callrec.catalog.audit.AuditLog;
import org.callrec.catalog.audit.AuditLog.Action;
import org.callrec.catalog.auth.Caller;
import org.callrec.catalog.auth.CurrentCaller;
import org.callrec.catalog.db.Db;
import org.callrec.catalog.problem.ProblemException;
import org.callrec.catalog.registry.RegistryOutbox;
import org.callrec.catalog.tenant.TenantStore.Stored;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Tenants: each change is validated, written and recorded in the registry outbox in one
 * transaction. Access rules are the resource's ({@link org.callrec.catalog.auth.Access}); this
 * class only knows which members are the operator's.
 */
@ApplicationScoped
public class TenantService {

    @Inject
    Db db;
    @Inject
    RegistryOutbox outbox;
    @Inject
    JsonBodies json;
    @Inject
    AuditLog audit;
    @Inject
    CurrentCaller caller;

    /** Creates a tenant; 409 {@code tenant-exists} when the id is taken. */
    public Stored create(TenantInput raw) {
        TenantInput t = TenantRules.validate(raw);
        return db.inTransaction(tx -> {
            if (!TenantStore.insert(tx.connection(), t)) {
                throw ProblemException.conflict("tenant-exists", "tenant " + t.id() + " exists", null);
            }
            Stored stored = TenantStore.find(tx.connection(), t.id(), false).orElseThrow();
            outbox.tenant(tx, stored.tenant().entry());
            audit.record(tx.connection(), t.id(), caller.get().actor(), Action.TENANT_CREATE, t.id(), Map.of());
            return stored;
        });
    }

    public Optional<Stored> find(String id) {
        return db.inTransaction(tx -> TenantStore.find(tx.connection(), id, false));
    }

    public Stored get(String id) {
        return find(id).orElseThrow(() -> ProblemException.notFound("no tenant " + id));
    }

    public Page<Stored> list(String cursor, int limit) {
        String after = Page.after(cursor);
        List<Stored> rows = db.inTransaction(tx -> TenantStore.list(tx.connection(), after, limit + 1));
        boolean more = rows.size() > limit;
        List<Stored> items = more ? rows.subList(0, limit) : rows;
        return new Page<>(List.copyOf(items), more ? Page.cursor(items.get(items.size() - 1).tenant().id()) : null);
    }

    /**
     * Applies a JSON merge patch. A tenant key may change only {@code name},
     * {@code allowedNetworks} and {@code unknownDevices} (403 otherwise); {@code id},
     * {@code createdAt} and {@code updatedAt} are read-only.
     */
    public Stored patch(String id, String body, String ifMatch, Caller caller) {
        JsonNode patch = json.tree(body);
        if (!patch.isObject()) {
            throw ProblemException.malformed("a merge patch of a tenant is a JSON object");
        }
        for (String readOnly : List.of("createdAt", "updatedAt")) {
            if (patch.has(readOnly)) {
                throw ProblemException.invalid(readOnly, "read-only");
            }
        }
        if (patch.has("id") && !patch.get("id").asText().equals(id)) {
            throw ProblemException.invalid("id", "read-only");
        }
        return db.inTransaction(tx -> {
            Stored current = TenantStore.find(tx.connection(), id, true)
                    .orElseThrow(() -> ProblemException.notFound("no tenant " + id));
            ETags.check(ifMatch, current.version());
            TenantInput before = TenantInput.of(current.tenant());
            JsonNode merged = MergePatch.apply(json.mapper().valueToTree(before), patch);
            ((ObjectNode) merged).put("id", id);
            TenantInput after = TenantRules.validate(json.read(text(merged), TenantInput.class));
            if (!caller.operator()) {
                List<String> operatorOnly = new ArrayList<>();
                if (!after.status().equals(before.status())) {
                    operatorOnly.add("status");
                }
                if (!after.limits().equals(before.limits())) {
                    operatorOnly.add("limits");
                }
                if (!Objects.equals(after.retentionDays(), before.retentionDays())) {
                    operatorOnly.add("retentionDays");
                }
                if (!after.placement().equals(before.placement())) {
                    operatorOnly.add("placement");
                }
                if (!operatorOnly.isEmpty()) {
                    throw ProblemException.forbidden("only the operator may change " + String.join(", ", operatorOnly));
                }
            }
            if (after.equals(TenantRules.validate(before))) {
                return current;
            }
            TenantStore.update(tx.connection(), after);
            Stored stored = TenantStore.find(tx.connection(), id, false).orElseThrow();
            outbox.tenant(tx, stored.tenant().entry());
            List<String> changed = new ArrayList<>();
            patch.fieldNames().forEachRemaining(changed::add);
            audit.record(tx.connection(), id, caller.actor(), Action.TENANT_UPDATE, id, Map.of("fields", changed));
            return stored;
        });
    }

    /** Deletes the tenant, its devices and keys; tombstones the tenant and each device. */
    public void delete(String id, String ifMatch) {
        db.inTransaction(tx -> {
            Stored current = TenantStore.find(tx.connection(), id, true)
                    .orElseThrow(() -> ProblemException.notFound("no tenant " + id));
            ETags.check(ifMatch, current.version());
            List<String> macs = new ArrayList<>();
            try (PreparedStatement s = tx.connection().prepareStatement(
                    "SELECT mac FROM devices WHERE tenant = ? ORDER BY mac")) {
                s.setString(1, id);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        macs.add(r.getString(1));
                    }
                }
            }
            TenantStore.delete(tx.connection(), id);
            // devices first: a replica never sees a device whose tenant it no longer knows
            outbox.devicesRemoved(tx, macs);
            outbox.tenantRemoved(tx, id);
            audit.record(tx.connection(), id, caller.get().actor(), Action.TENANT_DELETE, id,
                    Map.of("devices", macs.size()));
            return null;
        });
    }

    private String text(JsonNode node) {
        try {
            return json.mapper().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
