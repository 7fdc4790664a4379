package org.callrec.storage.placement;

import java.util.regex.Pattern;

/**
 * What a placement from the wire (a START record, a registry entry) may contain. Pure checks; the
 * values are never trusted to be what the catalog validated.
 */
public final class PlacementRules {

    /** S3's general-purpose bucket names: 3-63 of {@code a-z 0-9 . -}, a letter or digit at both ends. */
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]+");
    /** KMS key ids, aliases and ARNs: {@code arn:aws:kms:eu-west-1:111122223333:key/1234abcd-…}, {@code alias/x}. */
    private static final Pattern KMS_KEY = Pattern.compile("[A-Za-z0-9:/_+=.@-]{1,2048}");
    /** Longest prefix: S3 keys are at most 1024 bytes, the date and id take about 60 of them. */
    static final int MAX_PREFIX = 512;

    private PlacementRules() {
    }

    /** Why {@code bucket} is not a usable S3 bucket name; null when it is. */
    public static String bucketProblem(String bucket) {
        if (!BUCKET.matcher(bucket).matches()) {
            return "not 3-63 characters of a-z 0-9 . - starting and ending with a letter or digit";
        }
        if (bucket.contains("..") || bucket.contains(".-") || bucket.contains("-.")) {
            return "adjacent dots, or a dot next to a dash";
        }
        if (IPV4.matcher(bucket).matches()) {
            return "an IP address";
        }
        if (bucket.startsWith("xn--") || bucket.startsWith("sthree-") || bucket.endsWith("-s3alias")
                || bucket.endsWith("--ol-s3")) {
            return "a prefix or suffix S3 reserves";
        }
        return null;
    }

    /** Why {@code prefix} is not a usable key prefix; null when it is. */
    public static String prefixProblem(String prefix) {
        if (prefix.length() > MAX_PREFIX) {
            return "longer than " + MAX_PREFIX + " characters";
        }
        for (String segment : prefix.split("/", -1)) {
            if (segment.isEmpty()) {
                return "an empty segment (a leading, trailing or double /)";
            }
            if (!SEGMENT.matcher(segment).matches()) {
                return "a segment with characters other than A-Z a-z 0-9 . _ -";
            }
            if (segment.contains("..") || segment.equals(".")) {
                return "a segment . or one with ..";
            }
        }
        return null;
    }

    /** Whether {@code keyId} can be sent as an SSE-KMS key id. */
    public static boolean validKmsKeyId(String keyId) {
        return KMS_KEY.matcher(keyId).matches();
    }
}
