package org.callrec.core.allocation;

/**
 * A UDP endpoint handed to a recording.
 *
 * @param recordingId the recording
 * @param node        ingest node id
 * @param address     advertised address phones send RTP to
 * @param port        UDP port
 */
public record Allocation(String recordingId, String node, String address, int port) {
}
