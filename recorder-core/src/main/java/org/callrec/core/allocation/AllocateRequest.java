package org.callrec.core.allocation;

import java.util.Map;

import org.callrec.core.registry.StoragePlacement;

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
 * @param placement      where storage puts the recording (the tenant's, fixed now); null: the deployment's
 * @param maxDurationSeconds the tenant's longest recording, or null for the node's own limit only
 */
public record AllocateRequest(String recordingId, String tenant, String phoneSessionId, String device, String codec,
                              String direction, String phoneAddress, Map<String, String> fields,
                              StoragePlacement placement, Integer maxDurationSeconds) {

    /** A request with the deployment's placement and the node's own duration limit. */
    public AllocateRequest(String recordingId, String tenant, String phoneSessionId, String device, String codec,
                           String direction, String phoneAddress, Map<String, String> fields) {
        this(recordingId, tenant, phoneSessionId, device, codec, direction, phoneAddress, fields, null, null);
    }
}
