package org.callrec.storage.importer;

/**
 * The {@code error} tokens of the import endpoint's error body ({@code {"error", "message"}}):
 * every one it answers, defined here once (the storage docs' answer table lists them). They are
 * the import API's own, apart from recorder-core's {@code RefusalReason} (the phones' and ingest
 * nodes' vocabulary, whose every token is a result tag of control's command metric).
 */
public enum ImportError {
    /** 400: a parameter is wrong, or names a tenant other than the credential's. */
    BAD_REQUEST("bad-request"),
    /** 400: the body is not a usable phone recording. */
    INVALID_FILE("invalid-file"),
    /** 401 with {@code WWW-Authenticate: Bearer}: no credential, or a wrong one. */
    UNAUTHORIZED("unauthorized"),
    /** 404: no credentials file is configured, so the import is off; 503: the file holds no usable credential. */
    IMPORT_DISABLED("import-disabled"),
    /** 413: the body is over {@code storage.import.max-size}. */
    TOO_LARGE("too-large"),
    /** 415: a body that is not {@code application/octet-stream}. */
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type"),
    /** 503 with {@code Retry-After}: {@code storage.import.max-concurrent} imports are in progress. */
    TOO_MANY_IMPORTS("too-many-imports"),
    /** 409: a different object is under the recording's keys already (storage never replaces one). */
    OBJECT_CONFLICT("object-conflict"),
    /**
     * 503: the tenant's placement asks for SSE-KMS this deployment cannot provide (a plain-HTTP S3
     * endpoint, a malformed key id); nothing stored, and sending again does not help until the
     * configuration is fixed.
     */
    PLACEMENT_UNUSABLE("placement-unusable"),
    /** 503: S3, Kafka or the work directory failed; send the request again. */
    STORAGE_UNAVAILABLE("storage-unavailable");

    private final String token;

    ImportError(String token) {
        this.token = token;
    }

    /** The token as it goes in the body. */
    public String token() {
        return token;
    }
}
