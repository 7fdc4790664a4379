package org.callrec.core.chunk;

import java.util.Map;

/**
 * Default Kafka topic names, shared by the services, their config defaults and the tests; and
 * what the media topic's configuration must say, whoever reads it.
 *
 * <p>Each topic has one owner that creates and configures it: media-ingest-service the media and
 * allocations topics, storage-service the completed topic. The others only check.
 */
public final class Topics {

    /**
     * Start record, media chunks and end record of every recording, keyed by recording id, so
     * one partition holds a whole recording in order.
     */
    public static final String MEDIA = "callrec.recording.media";

    /**
     * Topic configuration the media topic needs besides its retention time: deletion by time
     * only, never compaction (every record of a recording has the recording's id as key, so
     * compaction would keep only its last) and no size limit (records still to be stored would
     * go). media-ingest-service creates the topic with it; storage-service warns when the topic
     * it reads says otherwise. Keys and values as Kafka's topic configuration spells them.
     */
    public static final Map<String, String> MEDIA_REQUIRED_CONFIG = Map.of(
            "cleanup.policy", "delete",
            "retention.bytes", "-1");

    /** "Recording completed" events (JSON) for downstream consumers, keyed by recording id. */
    public static final String COMPLETED = "callrec.recording.completed";

    /**
     * The ingest nodes' allocations (compacted), keyed by recording id: the recording's START
     * record while it is open on a node, a tombstone once it ended. A node that restarts reads
     * it back to keep recording its calls.
     */
    public static final String INGEST_ALLOCATIONS = "callrec.ingest.allocations";

    /**
     * The tenant and device registry (compacted), keyed by {@code tenant:<id>} / {@code device:<mac>}
     * ({@link org.callrec.core.registry.RegistryKeys}); JSON of
     * {@link org.callrec.core.registry.TenantEntry} / {@link org.callrec.core.registry.DeviceEntry},
     * a tombstone for a removed one. Written by catalog-service, read whole by control-service and
     * storage-service into their in-memory replica.
     */
    public static final String REGISTRY = "callrec.registry";

    /**
     * Each control-service instance's open recordings per tenant (compacted), keyed by instance id:
     * JSON of {@link org.callrec.core.registry.TenantActivity}, re-published on change and as a
     * heartbeat. The instances share a tenant's concurrent-recordings limit through it; the
     * catalog reports "active now" from it.
     */
    public static final String TENANT_ACTIVITY = "callrec.tenant.activity";

    private Topics() {
    }
}
