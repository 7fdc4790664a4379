package org.callrec.core.allocation;

/**
 * The paths of the internal HTTP API between control-service and media-ingest-service (see
 * the {@linkplain org.callrec.core.allocation package}), defined once: the ingest node's routes,
 * control-service's calls and the tests take them from here.
 *
 * <p>The constants are compile-time constants, so JAX-RS {@code @Path} annotations can use
 * them; {@link #RELEASE} and {@link #DRAIN} are relative to {@link #ALLOCATIONS} and
 * {@link #NODE}, as sub-resource paths are.
 */
public final class InternalApi {

    /** Prefix of every internal path (version 1). */
    public static final String BASE = "/internal/v1";

    /**
     * {@code POST}: allocate ({@link AllocateRequest} → {@link Allocation}); {@code GET}: the
     * node's open recordings (operators, the preStop hook).
     */
    public static final String ALLOCATIONS = BASE + "/allocations";

    /** Name of the recording id in {@link #RELEASE}. */
    public static final String RECORDING_ID = "recordingId";

    /**
     * {@code POST}, relative to {@link #ALLOCATIONS}: end a recording ({@link ReleaseRequest} →
     * {@link ReleaseResult}); see {@link #release(String)} for the full path.
     */
    public static final String RELEASE = "{" + RECORDING_ID + "}/release";

    /** {@code POST}: renew leases ({@link LeaseRenewal} → {@link LeaseAnswer}). */
    public static final String LEASES = BASE + "/leases";

    /** {@code GET}: the node's status ({@link NodeStatus}). */
    public static final String NODE = BASE + "/node";

    /** {@code POST}, relative to {@link #NODE}: start the node's drain (the preStop hook). */
    public static final String DRAIN = "drain";

    /** Full path of the node's drain: {@code /internal/v1/node/drain}. */
    public static final String NODE_DRAIN = NODE + "/" + DRAIN;

    private InternalApi() {
    }

    /** Full path of the release of {@code recordingId}: {@code /internal/v1/allocations/{id}/release}. */
    public static String release(String recordingId) {
        return ALLOCATIONS + "/" + RELEASE.replace("{" + RECORDING_ID + "}", recordingId);
    }
}
