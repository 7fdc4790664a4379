package org.callrec.catalog.api;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import org.callrec.catalog.problem.ProblemException;

/** Instants in query parameters ({@code from}, {@code to}): ISO-8601, a 400 problem otherwise. */
public final class Instants {

    private Instants() {
    }

    /** The instant {@code value} of parameter {@code name}; {@code null} when absent or blank. */
    public static Instant param(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw ProblemException.invalid(name, "an ISO-8601 instant, e.g. 2026-12-01T00:00:00Z");
        }
    }
}
