package org.callrec.core.allocation;

import java.util.Map;

/**
 * Asks an ingest node for a UDP endpoint for one recording, carrying all its metadata (the node
 * writes them into the recording's start record).
 *
 * @param recordingId    server-side id given by control-service
 * @param tenant         tenant of the recording
 * @param phoneSessionId the phone's own {@code id}
 * @param device         normalised MAC address
 * @param codec          {@link org.callrec.core.audio.AudioCodec} name
 * @param direction      {@code in}, {@code out} or empty
 * @param phoneAddress   IP address of the phone's control connection; RTP from elsewhere is dropped
 * @param fields         the start command's other values (numbers, names, unknown keys)
 */
public record AllocateRequest(String recordingId, String tenant, String phoneSessionId, String device, String codec,
                              String direction, String phoneAddress, Map<String, String> fields) {
}
