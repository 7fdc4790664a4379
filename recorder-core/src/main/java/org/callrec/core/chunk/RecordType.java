package org.callrec.core.chunk;

/** The kinds of record on the media topic. */
public enum RecordType {
    /** Opens a recording and carries all its metadata. */
    START(1),
    /** A batch of RTP packets as received. */
    MEDIA(2),
    /** Closes a recording: reason and counts. */
    END(3),
    /**
     * Liveness of an open recording: its ingest node still holds it, even if no RTP arrives
     * (a held call). Sent only while a recording published nothing else for a while.
     */
    ALIVE(4);

    private final int code;

    RecordType(int code) {
        this.code = code;
    }

    /** The byte written on the wire. */
    public int code() {
        return code;
    }

    static RecordType of(int code) {
        for (RecordType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown record type " + code);
    }
}
