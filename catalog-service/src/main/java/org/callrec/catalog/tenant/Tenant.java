package org.callrec.catalog.tenant;

import java.time.Instant;
import java.util.List;

import org.callrec.core.registry.StoragePlacement;
import org.callrec.core.registry.TenantEntry;

/**
 * A tenant as the admin API shows it.
 *
 * @param id              slug ({@link org.callrec.core.registry.TenantIds})
 * @param name            display name
 * @param status          {@code active} or {@code suspended}
 * @param allowedNetworks CIDRs its phones may record from; empty: any source
 * @param limits          its limits (each null: none)
 * @param retentionDays   days its recordings are kept; null: for ever
 * @param placement       bucket, prefix and SSE-KMS key id; each null: the deployment's bucket,
 *                        prefix = tenant id, no KMS key
 * @param unknownDevices  {@code refuse} or {@code accept}
 * @param createdAt       when it was created
 * @param updatedAt       when it last changed
 */
public record Tenant(String id, String name, String status, List<String> allowedNetworks, Limits limits,
                     Integer retentionDays, StoragePlacement placement, String unknownDevices, Instant createdAt,
                     Instant updatedAt) {

    /** A tenant's limits. */
    public record Limits(Integer concurrentRecordings, Integer maxRecordingSeconds) {
        public static final Limits NONE = new Limits(null, null);
    }

    /** The registry record the data plane gets for it. */
    public TenantEntry entry() {
        return new TenantEntry(id, name, status, allowedNetworks, limits.concurrentRecordings(),
                limits.maxRecordingSeconds(), retentionDays, placement, unknownDevices);
    }
}
