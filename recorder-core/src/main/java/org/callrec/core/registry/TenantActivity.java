package org.callrec.core.registry;

import java.util.Map;

/**
 * One control-service instance's open recordings per tenant (the value of a record on
 * {@link org.callrec.core.chunk.Topics#TENANT_ACTIVITY}, keyed by instance). The replicas read each
 * other's to keep a tenant's concurrent-recordings limit across instances; the catalog sums them
 * for "active now".
 *
 * @param instance the publishing instance's id
 * @param atMillis when it was published (an entry older than a few heartbeats is gone)
 * @param active   open recordings per tenant id; tenants with none may be left out
 */
public record TenantActivity(String instance, long atMillis, Map<String, Integer> active) {

    public TenantActivity {
        active = active == null ? Map.of() : Map.copyOf(active);
    }
}
