package org.callrec.catalog.problem;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 7807 problem document ({@code application/problem+json}). {@code type} is
 * {@code urn:callrec:problem:<slug>}, stable per kind of error: clients switch on it, not on
 * {@code title} or {@code detail}.
 *
 * @param type   {@value #TYPE_PREFIX}{@code <slug>}
 * @param title  short summary of the kind of error
 * @param status the HTTP status
 * @param detail what went wrong with this request
 * @param errors validation errors, when the request body or parameters did not fit
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {

    /** The media type. */
    public static final String MEDIA_TYPE = "application/problem+json";
    /** Prefix of every {@code type}. */
    public static final String TYPE_PREFIX = "urn:callrec:problem:";

    /**
     * One validation error.
     *
     * @param row     1-based row of a bulk import (data rows; a CSV header is not counted), else absent
     * @param field   the JSON member or CSV column, or a query parameter
     * @param message what is wrong with it
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FieldError(Integer row, String field, String message) {

        public static FieldError of(String field, String message) {
            return new FieldError(null, field, message);
        }
    }
}
