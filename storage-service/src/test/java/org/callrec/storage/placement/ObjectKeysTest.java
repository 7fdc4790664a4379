package org.callrec.storage.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class ObjectKeysTest {

    @Test
    void keysAreTenantThenStartDateInUtcThenRecordingId() {
        long startedAt = Instant.parse("2025-03-04T05:06:07.089Z").toEpochMilli();

        ObjectKeys keys = ObjectKeys.of("acme", "0195a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", startedAt);

        assertThat(keys.audio()).isEqualTo("acme/2025/03/04/0195a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b.wav");
        assertThat(keys.metadata()).isEqualTo("acme/2025/03/04/0195a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b.json");
    }

    @Test
    void theDateIsTheUtcDateEvenWhereItIsAlreadyTomorrow() {
        // 23:30 UTC on New Year's Eve is already 1 January in Paris: the key keeps the UTC day
        long startedAt = Instant.parse("2024-12-31T23:30:00Z").toEpochMilli();

        assertThat(ObjectKeys.of("t", "r", startedAt).audio()).isEqualTo("t/2024/12/31/r.wav");
    }

    @Test
    void valuesCannotAddPathSegments() {
        long startedAt = Instant.parse("2025-01-02T00:00:00Z").toEpochMilli();

        assertThat(ObjectKeys.of("../evil/x", "a/b", startedAt).audio()).isEqualTo(".._evil_x/2025/01/02/a_b.wav");
        assertThat(ObjectKeys.of("..", "id", startedAt).audio()).isEqualTo("__/2025/01/02/id.wav");
        assertThat(ObjectKeys.of("Zoë Müller", "id", startedAt).audio()).isEqualTo("Zo__M_ller/2025/01/02/id.wav");
    }

    @Test
    void aMissingTenantIsTheDefaultTenant() {
        long startedAt = Instant.parse("2025-01-02T00:00:00Z").toEpochMilli();

        assertThat(ObjectKeys.of("", "id", startedAt).audio()).isEqualTo("default/2025/01/02/id.wav");
        assertThat(ObjectKeys.of(null, "id", startedAt).audio()).isEqualTo("default/2025/01/02/id.wav");
    }

    @Test
    void segmentsAfterTheFirstAreNumberedBesideIt() {
        ObjectKeys keys = ObjectKeys.of("acme", "rec-1", Instant.parse("2025-03-04T05:06:07Z").toEpochMilli());
        assertThat(keys.audioSegment(1)).isEqualTo(keys.audio()).isEqualTo("acme/2025/03/04/rec-1.wav");
        assertThat(keys.audioSegment(2)).isEqualTo("acme/2025/03/04/rec-1.part-002.wav");
        assertThat(keys.audioSegment(1000)).isEqualTo("acme/2025/03/04/rec-1.part-1000.wav");
    }
}
