package org.callrec.catalog.api;

import org.callrec.catalog.problem.ProblemException;

/**
 * Strong ETags from a row's version counter ({@code "7"}), and the {@code If-Match} check:
 * absent matches anything, {@code *} matches an existing resource, otherwise one of the listed
 * tags must be the current one (412 {@code precondition-failed} if not).
 */
public final class ETags {

    private ETags() {
    }

    /** The ETag header value of a version. */
    public static String of(long version) {
        return "\"" + version + "\"";
    }

    /** Throws 412 unless {@code ifMatch} (the header, or null) admits {@code version}. */
    public static void check(String ifMatch, long version) {
        if (ifMatch == null || ifMatch.isBlank()) {
            return;
        }
        String current = of(version);
        for (String tag : ifMatch.split(",")) {
            String t = tag.strip();
            if (t.equals("*") || t.equals(current)) {
                return;
            }
        }
        throw ProblemException.preconditionFailed("If-Match does not name the current version (ETag " + current + ")");
    }
}
