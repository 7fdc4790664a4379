package org.callrec.core.allocation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The internal API's paths as they go over the wire: everything else refers to
 * {@link InternalApi}, so this is where a path change shows (the Helm chart's preStop hook and
 * the deploy tests spell them out too).
 */
class InternalApiTest {

    @Test
    @DisplayName("the node's routes live under /internal/v1")
    void fullPaths() {
        assertThat(InternalApi.ALLOCATIONS).isEqualTo("/internal/v1/allocations");
        assertThat(InternalApi.LEASES).isEqualTo("/internal/v1/leases");
        assertThat(InternalApi.NODE).isEqualTo("/internal/v1/node");
        assertThat(InternalApi.NODE_DRAIN).isEqualTo("/internal/v1/node/drain");
    }

    @Test
    @DisplayName("a release is addressed by the recording id, below the allocations")
    void releasePath() {
        assertThat(InternalApi.RELEASE).isEqualTo("{recordingId}/release");
        assertThat(InternalApi.release("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"))
                .isEqualTo("/internal/v1/allocations/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/release");
    }
}
