package org.callrec.catalog.auth;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A tenant API key as the API shows it. {@code key} (the secret) is present only in the answer
 * that created it; the catalog keeps only its SHA-256.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiKey(String id, String tenant, String key, List<String> scopes, Instant createdAt) {
}
