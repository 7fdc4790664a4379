package org.callrec.catalog.device;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.callrec.catalog.api.ETags;
import org.callrec.catalog.api.Page;
import org.callrec.catalog.audit.AuditLog;
import org.callrec.catalog.audit.AuditLog.Action;
import org.callrec.catalog.auth.Caller;
import org.callrec.catalog.auth.CurrentCaller;
import org.callrec.catalog.db.Db;
import org.callrec.catalog.db.Db.Tx;
import org.callrec.catalog.device.DeviceStore.Stored;
import org.callrec.catalog.problem.Problem.FieldError;
import org.callrec.catalog.problem.ProblemException;
import org.callrec.catalog.registry.RegistryOutbox;
import org.callrec.catalog.tenant.TenantStore;
import org.callrec.core.registry.DeviceEntry;

/**
 * Devices of a tenant: each change is written and recorded in the registry outbox in one
 * transaction that also locks the tenant's row (so a device never outlives a tenant being
 * deleted). A MAC belongs to one tenant at a time: registering it elsewhere is 409
 * {@code device-conflict}, and only the operator is told which tenant has it.
 */
@ApplicationScoped
public class DeviceService {

    /** Counts of a bulk import. */
    public record ImportResult(int imported, int created, int updated) {
    }

    /** A PUT's outcome. */
    public record Put(Stored stored, boolean created) {
    }

    @Inject
    Db db;
    @Inject
    RegistryOutbox outbox;
    @Inject
    AuditLog audit;
    @Inject
    CurrentCaller current;

    public Put put(String tenant, String mac, String label, boolean enabled, String ifMatch, Caller caller) {
        return db.inTransaction(tx -> {
            lockTenant(tx, tenant);
            var existing = DeviceStore.find(tx.connection(), mac, true);
            if (existing.isPresent() && !existing.get().device().tenant().equals(tenant)) {
                throw conflict(mac, existing.get().device().tenant(), caller, null);
            }
            if (existing.isPresent()) {
                ETags.check(ifMatch, existing.get().version());
            } else if (ifMatch != null && !ifMatch.isBlank()) {
                throw ProblemException.preconditionFailed("If-Match given, but the device does not exist");
            }
            DeviceEntry device = new DeviceEntry(mac, tenant, label, enabled);
            if (DeviceStore.upsert(tx.connection(), tenant, List.of(device)) != 1) {
                throw conflict(mac, null, caller, null);
            }
            outbox.device(tx, device);
            audit.record(tx.connection(), tenant, caller.actor(), Action.DEVICE_PUT, mac,
                    Map.of("enabled", enabled, "created", existing.isEmpty()));
            return new Put(DeviceStore.find(tx.connection(), mac, false).orElseThrow(), existing.isEmpty());
        });
    }

    public Stored get(String tenant, String mac) {
        return db.inTransaction(tx -> DeviceStore.find(tx.connection(), mac, false))
                .filter(s -> s.device().tenant().equals(tenant))
                .orElseThrow(() -> ProblemException.notFound("no device " + mac + " in tenant " + tenant));
    }

    public void delete(String tenant, String mac, String ifMatch) {
        db.inTransaction(tx -> {
            lockTenant(tx, tenant);
            Stored s = DeviceStore.find(tx.connection(), mac, true)
                    .filter(d -> d.device().tenant().equals(tenant))
                    .orElseThrow(() -> ProblemException.notFound("no device " + mac + " in tenant " + tenant));
            ETags.check(ifMatch, s.version());
            DeviceStore.delete(tx.connection(), tenant, mac);
            outbox.deviceRemoved(tx, mac);
            audit.record(tx.connection(), tenant, current.get().actor(), Action.DEVICE_DELETE, mac, Map.of());
            return null;
        });
    }

    public Page<DeviceEntry> list(String tenant, String cursor, int limit) {
        String after = Page.after(cursor);
        List<Stored> rows = db.inTransaction(tx -> {
            requireTenant(tx, tenant);
            return DeviceStore.list(tx.connection(), tenant, after, limit + 1);
        });
        boolean more = rows.size() > limit;
        List<DeviceEntry> items = (more ? rows.subList(0, limit) : rows).stream().map(Stored::device).toList();
        return new Page<>(items, more ? Page.cursor(items.get(items.size() - 1).mac()) : null);
    }

    /** Every device of the tenant, in MAC order. */
    public List<DeviceEntry> export(String tenant) {
        return db.inTransaction(tx -> {
            requireTenant(tx, tenant);
            return DeviceStore.list(tx.connection(), tenant, null, Integer.MAX_VALUE).stream()
                    .map(Stored::device).toList();
        });
    }

    /**
     * Stores validated devices, all or none: if any MAC belongs to another tenant, nothing is
     * stored and the 409 lists the rows (positions in {@code devices}, 1-based).
     */
    public ImportResult importAll(String tenant, List<DeviceEntry> devices, Caller caller) {
        if (devices.isEmpty()) {
            requireTenantExists(tenant);
            return new ImportResult(0, 0, 0);
        }
        return db.inTransaction(tx -> {
            lockTenant(tx, tenant);
            List<String> macs = devices.stream().map(DeviceEntry::mac).toList();
            Map<String, String> owners = DeviceStore.owners(tx.connection(), macs);
            List<FieldError> conflicts = new ArrayList<>();
            int existing = 0;
            for (int i = 0; i < devices.size(); i++) {
                String owner = owners.get(macs.get(i));
                if (owner == null) {
                    continue;
                }
                if (owner.equals(tenant)) {
                    existing++;
                } else if (conflicts.size() < 100) {
                    conflicts.add(new FieldError(i + 1, "mac", caller.operator()
                            ? "registered to tenant " + owner : "registered to another tenant"));
                }
            }
            if (!conflicts.isEmpty()) {
                throw ProblemException.conflict("device-conflict",
                        "some devices are registered to another tenant; nothing was imported", conflicts);
            }
            int written = DeviceStore.upsert(tx.connection(), tenant, devices);
            if (written != devices.size()) {
                // another tenant registered one of them meanwhile (their row was not there to lock)
                throw ProblemException.conflict("device-conflict",
                        "a device was registered to another tenant during the import; nothing was imported", null);
            }
            outbox.devices(tx, devices);
            audit.record(tx.connection(), tenant, caller.actor(), Action.DEVICE_IMPORT, tenant,
                    Map.of("rows", devices.size(), "created", devices.size() - existing));
            return new ImportResult(devices.size(), devices.size() - existing, existing);
        });
    }

    private void requireTenantExists(String tenant) {
        db.inTransaction(tx -> {
            requireTenant(tx, tenant);
            return null;
        });
    }

    private static void requireTenant(Tx tx, String tenant) throws java.sql.SQLException {
        if (TenantStore.find(tx.connection(), tenant, false).isEmpty()) {
            throw ProblemException.notFound("no tenant " + tenant);
        }
    }

    private static void lockTenant(Tx tx, String tenant) throws java.sql.SQLException {
        if (TenantStore.find(tx.connection(), tenant, true).isEmpty()) {
            throw ProblemException.notFound("no tenant " + tenant);
        }
    }

    private static ProblemException conflict(String mac, String owner, Caller caller, List<FieldError> errors) {
        String detail = "device " + mac + " is registered to "
                + (caller.operator() && owner != null ? "tenant " + owner : "another tenant");
        return ProblemException.conflict("device-conflict", detail, errors);
    }
}
