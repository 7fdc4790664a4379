package org.callrec.catalog.webhook;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A webhook as the API shows it. {@code secret} is present only in the answer that created it.
 *
 * @param version the row's version for the ETag ({@code updated_at} in microseconds)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Webhook(String id, String tenant, String url, List<String> events, boolean enabled,
                      Instant createdAt, Instant updatedAt, String secret, @JsonIgnore long version) {

    /** The same without the secret. */
    public Webhook withoutSecret() {
        return new Webhook(id, tenant, url, events, enabled, createdAt, updatedAt, null, version);
    }
}
