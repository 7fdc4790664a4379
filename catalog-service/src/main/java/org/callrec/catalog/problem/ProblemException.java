package org.callrec.catalog.problem;

import java.util.List;

import org.callrec.catalog.problem.Problem.FieldError;

/**
 * Ends a request with a problem document; thrown anywhere in a request, answered by
 * {@link ProblemMappers}. The static factories are the catalog's kinds of error, one slug each.
 */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;

    public ProblemException(int status, String slug, String title, String detail, List<FieldError> errors) {
        super(slug + ": " + detail, null, false, false);
        this.problem = new Problem(Problem.TYPE_PREFIX + slug, title, status, detail,
                errors == null || errors.isEmpty() ? null : List.copyOf(errors));
    }

    public Problem problem() {
        return problem;
    }

    /** 400 {@code validation}: the body or a parameter does not fit; {@code errors} says where. */
    public static ProblemException validation(String detail, List<FieldError> errors) {
        return new ProblemException(400, "validation", "Invalid request", detail, errors);
    }

    /** 400 {@code validation} for one field. */
    public static ProblemException invalid(String field, String message) {
        return validation(field + ": " + message, List.of(FieldError.of(field, message)));
    }

    /** 400 {@code malformed-body}: not JSON (or CSV) of the expected shape. */
    public static ProblemException malformed(String detail) {
        return new ProblemException(400, "malformed-body", "Malformed request body", detail, null);
    }

    /** 401 {@code unauthorized}: no key, or a key that is not valid. */
    public static ProblemException unauthorized(String detail) {
        return new ProblemException(401, "unauthorized", "Unauthorized", detail, null);
    }

    /** 403 {@code forbidden}: a valid key without the right to do this. */
    public static ProblemException forbidden(String detail) {
        return new ProblemException(403, "forbidden", "Forbidden", detail, null);
    }

    /** 404 {@code not-found}; also what a tenant key gets for another tenant's resource. */
    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "not-found", "Not found", detail, null);
    }

    /** 409 with its own slug ({@code tenant-exists}, {@code device-conflict}). */
    public static ProblemException conflict(String slug, String detail, List<FieldError> errors) {
        return new ProblemException(409, slug, "Conflict", detail, errors);
    }

    /** 412 {@code precondition-failed}: {@code If-Match} names another version. */
    public static ProblemException preconditionFailed(String detail) {
        return new ProblemException(412, "precondition-failed", "Precondition failed", detail, null);
    }

    /** 413 {@code too-many-rows}: a bulk import over {@code catalog.imports.max-rows}. */
    public static ProblemException tooManyRows(String detail) {
        return new ProblemException(413, "too-many-rows", "Too many rows", detail, null);
    }
}
