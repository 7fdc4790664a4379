package org.callrec.core.chunk;

/** The three kinds of record on the media topic. */
public enum RecordType {
    /** Opens a recording and carries all its metadata. */
    START(1),
    /** A batch of RTP packets as received. */
    MEDIA(2),
    /** Closes a recording: reason and counts. */
    END(3);

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
