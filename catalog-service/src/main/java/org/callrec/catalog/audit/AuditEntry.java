package org.callrec.catalog.audit;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonRawValue;

/** One entry of the audit trail; {@code detail} is a JSON object. */
@JsonPropertyOrder({"seq", "at", "tenant", "actor", "action", "target", "detail"})
public record AuditEntry(long seq, Instant at, String tenant, String actor, String action, String target,
                         @JsonRawValue String detail) {
}
