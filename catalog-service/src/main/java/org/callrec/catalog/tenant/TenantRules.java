package org.callrec.catalog.tenant;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.callrec.catalog.problem.Problem.FieldError;
import org.callrec.catalog.problem.ProblemException;
import org.callrec.core.net.Cidr;
import org.callrec.core.registry.StoragePlacement;
import org.callrec.core.registry.TenantIds;

/**
 * What a valid tenant is. {@link #validate} lists every problem at once and returns the tenant
 * normalised (networks in canonical CIDR form, duplicates removed). Plain logic: unit-tested
 * without the service.
 */
public final class TenantRules {

    /** Most networks one tenant may list. */
    public static final int MAX_NETWORKS = 1000;
    /** Longest name. */
    public static final int MAX_NAME = 200;

    /** S3 bucket names (AWS general-purpose rules): 3-63 of a-z 0-9 . -, starting and ending alphanumeric. */
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern IPV4_LIKE = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    /** One key segment of a prefix. */
    private static final Pattern SEGMENT = Pattern.compile("[a-z0-9._-]+");
    private static final Pattern KMS_KEY = Pattern.compile("[\\x21-\\x7e]{1,2048}");

    private TenantRules() {
    }

    /** The input, defaults applied and normalised, or a 400 {@code validation} problem listing every error. */
    public static TenantInput validate(TenantInput raw) {
        TenantInput t = raw.withDefaults();
        List<FieldError> errors = new ArrayList<>();
        if (!TenantIds.isValid(t.id())) {
            errors.add(FieldError.of("id", "must be a slug: 1-63 of a-z 0-9 -, starting and ending with a letter or digit"));
        }
        if (t.name().isBlank() || t.name().length() > MAX_NAME || t.name().chars().anyMatch(Character::isISOControl)) {
            errors.add(FieldError.of("name", "must be 1-" + MAX_NAME + " characters without control characters"));
        }
        if (!t.status().equals("active") && !t.status().equals("suspended")) {
            errors.add(FieldError.of("status", "must be active or suspended"));
        }
        if (!t.unknownDevices().equals("refuse") && !t.unknownDevices().equals("accept")) {
            errors.add(FieldError.of("unknownDevices", "must be refuse or accept"));
        }
        Set<String> networks = new LinkedHashSet<>();
        if (t.allowedNetworks().size() > MAX_NETWORKS) {
            errors.add(FieldError.of("allowedNetworks", "at most " + MAX_NETWORKS + " networks"));
        } else {
            for (int i = 0; i < t.allowedNetworks().size(); i++) {
                String n = t.allowedNetworks().get(i);
                try {
                    networks.add(Cidr.parse(n).toString());
                } catch (IllegalArgumentException | NullPointerException e) {
                    errors.add(FieldError.of("allowedNetworks[" + i + "]", "not a CIDR (e.g. 10.0.0.0/8, 2001:db8::/32)"));
                }
            }
        }
        positive(errors, "limits.concurrentRecordings", t.limits().concurrentRecordings());
        positive(errors, "limits.maxRecordingSeconds", t.limits().maxRecordingSeconds());
        positive(errors, "retentionDays", t.retentionDays());
        StoragePlacement p = t.placement();
        if (p.bucket() != null && !isBucketName(p.bucket())) {
            errors.add(FieldError.of("placement.bucket", "not an S3 bucket name (3-63 of a-z 0-9 . -)"));
        }
        if (p.prefix() != null && !isSafePrefix(p.prefix())) {
            errors.add(FieldError.of("placement.prefix",
                    "must be segments of a-z 0-9 . _ - separated by /, none empty, '.' or '..' (at most 512 characters)"));
        }
        if (p.kmsKeyId() != null && !KMS_KEY.matcher(p.kmsKeyId()).matches()) {
            errors.add(FieldError.of("placement.kmsKeyId", "must be 1-2048 printable characters without spaces"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.validation("the tenant is not valid", errors);
        }
        return new TenantInput(t.id(), t.name(), t.status(), List.copyOf(networks), t.limits(), t.retentionDays(), p,
                t.unknownDevices());
    }

    /** S3 general-purpose bucket naming rules. */
    static boolean isBucketName(String b) {
        return BUCKET.matcher(b).matches() && !b.contains("..") && !b.contains(".-") && !b.contains("-.")
                && !IPV4_LIKE.matcher(b).matches() && !b.startsWith("xn--") && !b.startsWith("sthree-")
                && !b.endsWith("-s3alias") && !b.endsWith("--ol-s3");
    }

    /** Key segments of a-z 0-9 . _ - separated by single slashes; no empty, '.' or '..' segment. */
    static boolean isSafePrefix(String prefix) {
        if (prefix.isEmpty() || prefix.length() > 512) {
            return false;
        }
        for (String segment : prefix.split("/", -1)) {
            if (!SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    private static void positive(List<FieldError> errors, String field, Integer value) {
        if (value != null && value < 1) {
            errors.add(FieldError.of(field, "must be at least 1, or null for none"));
        }
    }
}
