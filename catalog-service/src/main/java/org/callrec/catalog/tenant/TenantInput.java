package org.callrec.catalog.tenant;

import java.util.List;

import org.callrec.catalog.tenant.Tenant.Limits;
import org.callrec.core.registry.StoragePlacement;

/**
 * The writable members of a tenant: the body of {@code POST /api/v1/tenants}, and what a merge
 * patch is applied to. Absent members take the defaults of {@link #withDefaults()}.
 */
public record TenantInput(String id, String name, String status, List<String> allowedNetworks, Limits limits,
                          Integer retentionDays, StoragePlacement placement, String unknownDevices) {

    /** Status active, no network restriction, no limits, default placement, unknown devices refused; name = id. */
    public TenantInput withDefaults() {
        return new TenantInput(id, name == null ? id : name, status == null ? "active" : status,
                allowedNetworks == null ? List.of() : allowedNetworks, limits == null ? Limits.NONE : limits,
                retentionDays, placement == null ? StoragePlacement.DEFAULT : placement,
                unknownDevices == null ? "refuse" : unknownDevices);
    }

    /** The writable members of a stored tenant. */
    public static TenantInput of(Tenant t) {
        return new TenantInput(t.id(), t.name(), t.status(), t.allowedNetworks(), t.limits(), t.retentionDays(),
                t.placement(), t.unknownDevices());
    }
}
