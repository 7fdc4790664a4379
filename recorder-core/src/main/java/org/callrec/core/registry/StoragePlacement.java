package org.callrec.core.registry;

/**
 * Where a tenant's recordings are stored. Each part may be null: the deployment's bucket, the
 * tenant id as key prefix, no SSE-KMS.
 *
 * @param bucket   S3 bucket, or null for the deployment's
 * @param prefix   first key segments (without a trailing {@code /}), or null for the tenant id
 * @param kmsKeyId SSE-KMS key id the objects are encrypted with, or null
 */
public record StoragePlacement(String bucket, String prefix, String kmsKeyId) {

    /** The deployment's defaults. */
    public static final StoragePlacement DEFAULT = new StoragePlacement(null, null, null);

    /** This placement, or {@link #DEFAULT} for null. */
    public static StoragePlacement orDefault(StoragePlacement p) {
        return p == null ? DEFAULT : p;
    }
}
