package org.callrec.catalog.webhook;

import java.time.Instant;

/**
 * One event queued for one webhook, and how sending it went.
 *
 * @param state         {@code pending}, {@code delivered} or {@code failed}
 * @param attempts      attempts made so far
 * @param lastStatus    HTTP status of the last attempt; null when it got no response
 * @param lastError     why the last attempt failed ({@code HTTP 500}, {@code private-network}, a timeout); null after success
 * @param nextAttemptAt when it is tried next; null unless pending
 */
public record Delivery(long id, String eventId, String eventType, String state, int attempts, Integer lastStatus,
                       String lastError, Instant createdAt, Instant deliveredAt, Instant nextAttemptAt) {
}
