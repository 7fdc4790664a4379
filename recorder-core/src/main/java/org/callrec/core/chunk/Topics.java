package org.callrec.core.chunk;

/** Default Kafka topic names, shared by the services, their config defaults and the tests. */
public final class Topics {

    /**
     * Start record, media chunks and end record of every recording, keyed by recording id, so
     * one partition holds a whole recording in order.
     */
    public static final String MEDIA = "callrec.recording.media";

    /** "Recording completed" events (JSON) for downstream consumers, keyed by recording id. */
    public static final String COMPLETED = "callrec.recording.completed";

    /**
     * The ingest nodes' allocations (compacted), keyed by recording id: the recording's START
     * record while it is open on a node, a tombstone once it ended. A node that restarts reads
     * it back to keep recording its calls.
     */
    public static final String INGEST_ALLOCATIONS = "callrec.ingest.allocations";

    private Topics() {
    }
}
