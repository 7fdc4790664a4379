package org.callrec.storage.placement;

import org.callrec.storage.metrics.StorageMetrics;

/**
 * Where one recording's objects go, resolved once from its START record (or, for an import, from
 * its tenant's registry entry): every WAV segment and the metadata document of the recording use
 * the same placement, whatever the tenant's placement says later.
 *
 * @param bucket   the bucket (the tenant's, or the deployment's {@code storage.s3.bucket})
 * @param prefix   first key segments, validated, without a trailing {@code /} (the tenant's, or the
 *                 tenant id)
 * @param kmsKeyId SSE-KMS key id every write of the recording carries, or null (then the
 *                 deployment's {@code storage.s3.sse} applies)
 * @param unusable why the recording cannot be stored as its tenant asks (e.g. SSE-KMS over plain
 *                 HTTP), or null; such a recording is never stored without what it asks for
 */
public record Placement(String bucket, String prefix, String kmsKeyId, Unusable unusable) {

    /** Why a placement cannot be honoured; the token is a metric tag. */
    public enum Unusable {
        /** SSE-KMS asked for, but {@code storage.s3.endpoint} is plain HTTP (the MinIO SDK sends SSE-KMS over TLS only). */
        KMS_NEEDS_TLS(StorageMetrics.FailReason.KMS_NEEDS_TLS),
        /** SSE-KMS asked for with a key id that is not one (empty, control characters, too long). */
        INVALID_KMS_KEY(StorageMetrics.FailReason.INVALID_KMS_KEY);

        private final StorageMetrics.FailReason failReason;

        Unusable(StorageMetrics.FailReason failReason) {
            this.failReason = failReason;
        }

        /** The token: the reason of the recording's failure metric, and of an import's answer. */
        public String token() {
            return failReason.tag();
        }

        /** Why the recording counts as failed. */
        public StorageMetrics.FailReason failReason() {
            return failReason;
        }
    }

    /** Whether the objects can be written as asked. */
    public boolean usable() {
        return unusable == null;
    }
}
