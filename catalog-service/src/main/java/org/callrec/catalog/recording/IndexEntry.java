package org.callrec.catalog.recording;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the index keeps of one recording's metadata document (storage-service's
 * {@code docs/metadata.md}): the searchable fields and where the objects are. {@link #parse}
 * refuses a document that does not describe a recording it can serve.
 *
 * @param segments the WAV objects in order, each with its size
 */
public record IndexEntry(String id, String tenant, String bucket, String metadataKey, List<Segment> segments,
                         String device, String direction, String localNumber, String remoteNumber, String codec,
                         Instant startedAt, Instant endedAt, double durationSeconds, String stopReason, boolean intact,
                         long audioBytes) {

    /** One WAV object of a recording. */
    public record Segment(String key, long bytes) {
    }

    /** Longest id, tenant, number or key accepted from a document. */
    static final int MAX_TEXT = 1024;
    /** Most segments a document may list. */
    static final int MAX_SEGMENTS = 10_000;

    /** A document the index cannot take. */
    public static final class Invalid extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message);
        }
    }

    /**
     * Reads a metadata document.
     *
     * @param bucket the bucket it was read from (where its audio is)
     * @throws Invalid when a member the index needs is missing or unusable
     */
    public static IndexEntry parse(JsonNode doc, String bucket) {
        if (doc == null || !doc.isObject()) {
            throw new Invalid("not a JSON object");
        }
        String id = required(doc, "recordingId");
        String tenant = required(doc, "tenant");
        String metadataKey = required(doc, "metadataKey");
        JsonNode segs = doc.path("audio").path("segments");
        List<Segment> segments = new ArrayList<>();
        if (segs.isArray() && !segs.isEmpty()) {
            if (segs.size() > MAX_SEGMENTS) {
                throw new Invalid("more than " + MAX_SEGMENTS + " segments");
            }
            for (JsonNode s : segs) {
                segments.add(new Segment(text(s, "key", true), bytes(s.path("bytes"))));
            }
        } else {
            segments.add(new Segment(text(doc.path("audio"), "key", true), bytes(doc.path("audio").path("bytes"))));
        }
        Instant started = instant(doc, "startedAt", true);
        Instant ended = instant(doc, "endedAt", false);
        double duration = doc.path("durationSeconds").asDouble(0);
        long audioBytes = segments.stream().mapToLong(Segment::bytes).sum();
        return new IndexEntry(id, tenant, bucket, metadataKey, List.copyOf(segments),
                text(doc.path("phone"), "device", false), text(doc, "direction", false),
                text(doc, "localNumber", false), text(doc, "remoteNumber", false), text(doc, "codec", false),
                started, ended, Double.isFinite(duration) && duration > 0 ? duration : 0,
                text(doc, "stopReason", false), doc.path("quality").path("intact").asBoolean(true), audioBytes);
    }

    private static String required(JsonNode doc, String name) {
        return text(doc, name, true);
    }

    private static String text(JsonNode node, String name, boolean required) {
        JsonNode v = node.path(name);
        String s = v.isTextual() ? v.asText() : "";
        if (s.length() > MAX_TEXT) {
            throw new Invalid(name + " is longer than " + MAX_TEXT + " characters");
        }
        if (required && s.isBlank()) {
            throw new Invalid("no " + name);
        }
        return s;
    }

    private static long bytes(JsonNode v) {
        if (!v.canConvertToLong() || v.asLong() < 0) {
            throw new Invalid("a segment without a size");
        }
        return v.asLong();
    }

    private static Instant instant(JsonNode doc, String name, boolean required) {
        String s = text(doc, name, required);
        if (s.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new Invalid(name + " is not an ISO-8601 instant");
        }
    }
}
