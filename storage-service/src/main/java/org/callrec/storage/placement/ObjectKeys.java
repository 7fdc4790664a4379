package org.callrec.storage.placement;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Where a recording's objects go in the bucket:
 * <pre>
 *   &lt;tenant&gt;/yyyy/MM/dd/&lt;recordingId&gt;.wav            the audio (its first segment)
 *   &lt;tenant&gt;/yyyy/MM/dd/&lt;recordingId&gt;.part-002.wav   second segment, and so on (3 digits, more past 999)
 *   &lt;tenant&gt;/yyyy/MM/dd/&lt;recordingId&gt;.json
 * </pre>
 * The first segment is the tenant's key prefix when its placement names one ({@link #under}). The
 * date is the recording's start in UTC. Tenant and id are used as they are when they consist of
 * {@code A-Z a-z 0-9 . _ -} only; any other character becomes {@code _} (so a value can never add a
 * path segment), and an empty tenant becomes {@value #DEFAULT_TENANT}. The keys depend on the START
 * record alone, so storing a recording twice overwrites the same objects.
 *
 * @param audio    key of the WAV object
 * @param metadata key of the JSON metadata document
 */
public record ObjectKeys(String audio, String metadata) {

    /** Tenant segment used when the START record names none. */
    public static final String DEFAULT_TENANT = "default";

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);

    /** The keys of a recording under its tenant's segment (the default placement). */
    public static ObjectKeys of(String tenant, String recordingId, long startedAtMillis) {
        return under(tenantSegment(tenant), recordingId, startedAtMillis);
    }

    /**
     * The keys of a recording under {@code prefix}: one or more segments already checked
     * ({@code org.callrec.storage.placement.PlacementRules}), without a trailing {@code /}.
     */
    public static ObjectKeys under(String prefix, String recordingId, long startedAtMillis) {
        String base = prefix + "/" + DAY.format(Instant.ofEpochMilli(startedAtMillis)) + "/"
                + segment(recordingId, "unknown");
        return new ObjectKeys(base + ".wav", base + ".json");
    }

    /** The key segment of a tenant: its id made safe, {@value #DEFAULT_TENANT} for none. */
    public static String tenantSegment(String tenant) {
        return segment(tenant, DEFAULT_TENANT);
    }

    /**
     * Key of segment {@code n} (1-based) of the audio: the first is {@link #audio()}, so a
     * recording that fits one file has the same key as ever.
     */
    public String audioSegment(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("segment " + n);
        }
        if (n == 1) {
            return audio;
        }
        return audio.substring(0, audio.length() - ".wav".length()) + String.format(java.util.Locale.ROOT, ".part-%03d.wav", n);
    }

    static String segment(String value, String fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        String s = value.strip().replaceAll("[^A-Za-z0-9._-]", "_");
        // "." and ".." are legal S3 keys but read as directories by every tool that mirrors a bucket
        return s.matches("\\.+") ? s.replace('.', '_') : s;
    }
}
