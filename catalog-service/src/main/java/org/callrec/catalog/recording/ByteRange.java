package org.callrec.catalog.recording;

/**
 * One HTTP byte range (RFC 9110 §14): {@code bytes=first-last}, {@code bytes=first-} or
 * {@code bytes=-suffix}. A header this server does not serve as a range (several ranges, another
 * unit, bad syntax) is ignored: the whole representation is sent, as the RFC allows.
 *
 * @param first first byte, inclusive
 * @param last  last byte, inclusive
 */
public record ByteRange(long first, long last) {

    /** What a {@code Range} header asks of a representation of some length. */
    public sealed interface Request permits Whole, Part, Unsatisfiable {
    }

    /** No usable range: send it all (200). */
    public record Whole() implements Request {
    }

    /** Send this part (206). */
    public record Part(ByteRange range) implements Request {
    }

    /** No byte of the range exists (416). */
    public record Unsatisfiable() implements Request {
    }

    public long length() {
        return last - first + 1;
    }

    /** What {@code header} (may be {@code null}) asks of {@code total} bytes. */
    public static Request of(String header, long total) {
        if (header == null) {
            return new Whole();
        }
        String h = header.strip();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6)) {
            return new Whole();
        }
        String spec = h.substring(6).strip();
        if (spec.isEmpty() || spec.indexOf(',') >= 0) {
            return new Whole();
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return new Whole();
        }
        String a = spec.substring(0, dash).strip();
        String b = spec.substring(dash + 1).strip();
        try {
            if (a.isEmpty()) {
                long suffix = digits(b);
                if (suffix == 0 || total == 0) {
                    return new Unsatisfiable();
                }
                return new Part(new ByteRange(Math.max(0, total - suffix), total - 1));
            }
            long first = digits(a);
            long last = b.isEmpty() ? Long.MAX_VALUE : digits(b);
            if (last < first) {
                return new Whole();
            }
            if (first >= total) {
                return new Unsatisfiable();
            }
            return new Part(new ByteRange(first, Math.min(last, total - 1)));
        } catch (NumberFormatException e) {
            return new Whole();
        }
    }

    private static long digits(String s) {
        if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            throw new NumberFormatException(s);
        }
        return Long.parseLong(s);
    }
}
