package org.callrec.core.allocation;

import java.util.Map;

/**
 * Ends a recording on its ingest node.
 *
 * @param reason stop reason (the phone's {@code reason}, or {@code socket-error} …)
 * @param fields the stop command's values
 */
public record ReleaseRequest(String reason, Map<String, String> fields) {
}
