package org.callrec.storage.placement;

import java.time.Duration;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.callrec.core.registry.StoragePlacement;
import org.callrec.core.text.LogText;
import org.callrec.logging.RateLimitedLog;
import org.callrec.storage.config.StorageConfig;
import org.callrec.storage.metrics.StorageMetrics;
import org.callrec.storage.placement.ObjectKeys;
import org.jboss.logging.Logger;

/**
 * Turns a tenant's {@link StoragePlacement} (from a START record or the registry) into the
 * {@link Placement} of one recording. Never throws: a bucket or prefix that breaks the rules
 * ({@link PlacementRules}) makes the recording fall back to the deployment's bucket and the tenant
 * id as prefix, counted ({@code callrec_storage_placements_invalid_total{part}}) and logged (rate
 * limited, values escaped). SSE-KMS is never dropped: a KMS key id that cannot be used (malformed,
 * or a plain-HTTP endpoint, over which the MinIO SDK refuses SSE-KMS) makes the placement
 * {@linkplain Placement#usable() unusable}, and the recording is not stored rather than stored
 * unencrypted.
 */
@ApplicationScoped
public class PlacementResolver {

    private static final Logger LOG = Logger.getLogger(PlacementResolver.class);
    private static final String INVALID = "invalid-placement";
    private static final RateLimitedLog LINES = new RateLimitedLog(LOG, 20, Duration.ofMinutes(1));

    /** Which part of a placement was refused: the {@code part} tag. */
    public enum Part {
        BUCKET("bucket"),
        PREFIX("prefix");

        private final String tag;

        Part(String tag) {
            this.tag = tag;
        }

        public String tag() {
            return tag;
        }
    }

    private final String defaultBucket;
    private final boolean https;
    private final StorageMetrics metrics;

    @Inject
    public PlacementResolver(StorageConfig config, StorageMetrics metrics) {
        this(config.s3().bucket(), config.s3().endpoint(), metrics);
    }

    /** A resolver for the deployment's bucket and S3 endpoint. */
    public PlacementResolver(String defaultBucket, String endpoint, StorageMetrics metrics) {
        this.defaultBucket = defaultBucket;
        this.https = endpoint.toLowerCase(Locale.ROOT).startsWith("https:");
        this.metrics = metrics;
    }

    /** The deployment's bucket. */
    public String defaultBucket() {
        return defaultBucket;
    }

    /**
     * The placement of one recording of {@code tenant}.
     *
     * @param asked       what the START record (or registry) says; null for the deployment's defaults
     * @param recordingId for the log line
     */
    public Placement resolve(String tenant, StoragePlacement asked, String recordingId) {
        StoragePlacement p = StoragePlacement.orDefault(asked);
        String tenantPrefix = ObjectKeys.tenantSegment(tenant);
        String bucket = unsetIfBlank(p.bucket());
        String prefix = unsetIfBlank(p.prefix());
        String kms = unsetIfBlank(p.kmsKeyId());

        String bucketProblem = bucket == null ? null : PlacementRules.bucketProblem(bucket);
        String prefixProblem = prefix == null ? null : PlacementRules.prefixProblem(prefix);
        if (bucketProblem != null || prefixProblem != null) {
            Part part = bucketProblem != null ? Part.BUCKET : Part.PREFIX;
            metrics.placementInvalid(part.tag());
            LINES.warnf(INVALID, "Recording %s of tenant %s: placement %s %s is %s; stored in bucket %s under %s instead",
                    LogText.escape(recordingId), LogText.escape(tenant), part.tag(),
                    LogText.escape(part == Part.BUCKET ? bucket : prefix),
                    part == Part.BUCKET ? bucketProblem : prefixProblem, defaultBucket, tenantPrefix);
            bucket = null;
            prefix = null;
        }
        Placement.Unusable unusable = null;
        if (kms != null) {
            if (!PlacementRules.validKmsKeyId(kms)) {
                unusable = Placement.Unusable.INVALID_KMS_KEY;
            } else if (!https) {
                unusable = Placement.Unusable.KMS_NEEDS_TLS;
            }
        }
        return new Placement(bucket == null ? defaultBucket : bucket, prefix == null ? tenantPrefix : prefix, kms,
                unusable);
    }

    private static String unsetIfBlank(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
