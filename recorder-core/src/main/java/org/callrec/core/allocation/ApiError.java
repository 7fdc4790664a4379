package org.callrec.core.allocation;

/**
 * Error body of the internal API.
 *
 * @param error   a token of {@link org.callrec.core.protocol.RefusalReason}: {@code bad-request},
 *                {@code unsupported-codec}, {@code no-capacity}, {@code unknown-recording},
 *                {@code recording-ended}, {@code shutting-down} (the node is draining for
 *                shutdown and takes no new recordings; another node may)
 * @param message human-readable detail
 */
public record ApiError(String error, String message) {
}
