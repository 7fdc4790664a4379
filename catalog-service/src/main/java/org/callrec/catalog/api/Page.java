package org.callrec.catalog.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.callrec.catalog.problem.ProblemException;

/**
 * One page of a list: its items and the cursor of the next page ({@code null} on the last).
 * A cursor is the opaque (base64url) sort key of the page's last item; the next page starts after
 * it, so pages stay consistent while items are added or removed.
 */
public record Page<T>(List<T> items, String next) {

    /** The sort key a cursor carries; {@code null} for no cursor. */
    public static String after(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            String key = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (key.isEmpty() || key.length() > 256) {
                throw new IllegalArgumentException();
            }
            return key;
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid("cursor", "not a cursor of this list");
        }
    }

    /** The cursor after {@code key}. */
    public static String cursor(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The page size a request asks for (the {@code limit} parameter as given): {@code defaultLimit}
     * when absent, 1..{@code maxLimit} otherwise (400 for anything else). Taken as text so that
     * {@code limit=abc} is a 400 problem, not JAX-RS' 404 for an unconvertible parameter.
     */
    public static int limit(String requested, int defaultLimit, int maxLimit) {
        if (requested == null || requested.isEmpty()) {
            return defaultLimit;
        }
        int n;
        try {
            n = Integer.parseInt(requested);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || n > maxLimit) {
            throw ProblemException.invalid("limit", "must be a number 1.." + maxLimit);
        }
        return n;
    }
}
