package org.callrec.core.chunk;

import java.nio.charset.StandardCharsets;

/**
 * Which ingest node and UDP port a media-topic record comes from. An ingest node puts it on every
 * record it publishes (START, MEDIA, ALIVE, END) as the Kafka header {@value #HEADER}, value
 * {@code <ingestNode> <mediaPort>} in UTF-8; the START record also names both in its body. Storage
 * adds a record to an open recording only if it comes from where that recording's START came
 * from, so a second START for the same id from another node or port is never merged into it, and
 * its END never closes it.
 *
 * @param ingestNode the node's id ({@link RecordingStarted#ingestNode()})
 * @param mediaPort  the recording's UDP port ({@link RecordingStarted#mediaPort()})
 */
public record RecordOrigin(String ingestNode, int mediaPort) {

    /** The Kafka header that carries the origin. */
    public static final String HEADER = "callrec-origin";

    /** Where the recording of this START record is held. */
    public static RecordOrigin of(RecordingStarted start) {
        return new RecordOrigin(start.ingestNode(), start.mediaPort());
    }

    /** The header value. */
    public byte[] toHeader() {
        return (ingestNode + " " + mediaPort).getBytes(StandardCharsets.UTF_8);
    }

    /** The origin in a header value; null for a missing or unreadable one (never throws). */
    public static RecordOrigin parseHeader(byte[] value) {
        if (value == null || value.length > 512) {
            return null;
        }
        String s = new String(value, StandardCharsets.UTF_8);
        int space = s.lastIndexOf(' ');
        if (space <= 0) {
            return null;
        }
        try {
            int port = Integer.parseInt(s.substring(space + 1));
            return port > 0 && port < 65536 ? new RecordOrigin(s.substring(0, space), port) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return ingestNode + ":" + mediaPort;
    }
}
