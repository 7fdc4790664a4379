package org.callrec.core.id;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Server-side recording ids: UUIDv7 (RFC 9562 §5.7). */
class RecordingIdsTest {

    @Test
    @DisplayName("an id is a canonical 36-character UUID of version 7 with the RFC 9562 variant (binary 10)")
    void versionAndVariant() {
        for (int i = 0; i < 1000; i++) {
            String id = RecordingIds.next();

            assertThat(id).hasSize(36).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
            UUID uuid = UUID.fromString(id);
            assertThat(uuid.version()).isEqualTo(7);
            assertThat(uuid.variant()).isEqualTo(2);
        }
    }

    @Test
    @DisplayName("the first 48 bits are the Unix time in milliseconds, big-endian")
    void timestampLayout() {
        long millis = 0x0123_4567_89ABL;

        String id = RecordingIds.next(millis).toString();

        assertThat(id).startsWith("01234567-89ab-7");
    }

    @Test
    @DisplayName("timestampMillis gives back the creation time, for now and for extreme 48-bit times")
    void timestampRoundTrip() {
        long before = System.currentTimeMillis();
        String now = RecordingIds.next();
        long after = System.currentTimeMillis();

        assertThat(RecordingIds.timestampMillis(now)).isBetween(before, after);
        for (long t : new long[] {0L, 1L, Instant.parse("2024-06-10T08:00:00Z").toEpochMilli(), (1L << 48) - 1}) {
            assertThat(RecordingIds.timestampMillis(RecordingIds.next(t).toString())).isEqualTo(t);
        }
    }

    @Test
    @DisplayName("ids created in later milliseconds sort after earlier ones, as strings (how storage and Kafka see them)")
    void timeOrderedAcrossMilliseconds() {
        long t = Instant.parse("2024-06-10T08:00:00Z").toEpochMilli();
        List<String> ids = new ArrayList<>();
        for (int ms = 0; ms < 2000; ms++) {
            ids.add(RecordingIds.next(t + ms).toString());
        }

        assertThat(ids).isSorted();
        // including across a byte boundary of the timestamp, where naive signed comparisons break
        assertThat(RecordingIds.next(0x7FFF_FFFF_FFFFL).toString()).isLessThan(RecordingIds.next(0x8000_0000_0000L).toString());
    }

    @Test
    @DisplayName("ids are unique, even many within the same millisecond")
    void unique() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            seen.add(RecordingIds.next());
        }
        long sameMillis = System.currentTimeMillis();
        for (int i = 0; i < 100_000; i++) {
            seen.add(RecordingIds.next(sameMillis).toString());
        }

        assertThat(seen).hasSize(200_000);
    }

    @Test
    @DisplayName("a derived id is a UUIDv7 of the given time whose other bits come from the digest: same input, same id")
    void derived() {
        byte[] digest = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        long millis = Instant.parse("2025-11-26T08:30:00Z").toEpochMilli();

        String id = RecordingIds.derived(millis, digest);

        assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(RecordingIds.timestampMillis(id)).isEqualTo(millis);
        assertThat(RecordingIds.derived(millis, digest.clone())).isEqualTo(id);
        byte[] other = digest.clone();
        other[9] ^= 1;
        assertThat(RecordingIds.derived(millis, other)).isNotEqualTo(id);
        assertThat(RecordingIds.derived(millis + 1, digest)).isNotEqualTo(id);
    }

    @Test
    @DisplayName("isVersion7 accepts what next() mints and nothing else: v4, upper case, short forms, junk")
    void isVersion7TellsMintedIdsFromOthers() {
        assertThat(RecordingIds.isVersion7(RecordingIds.next())).isTrue();
        assertThat(RecordingIds.isVersion7(java.util.UUID.randomUUID().toString())).isFalse();
        assertThat(RecordingIds.isVersion7(RecordingIds.next().toUpperCase(java.util.Locale.ROOT))).isFalse();
        assertThat(RecordingIds.isVersion7("1-1-1-1-1")).isFalse();
        assertThat(RecordingIds.isVersion7("0190a1b2-c3d4-7e5f-0a1b-2c3d4e5f6a7b")).isFalse(); // variant 0
        assertThat(RecordingIds.isVersion7("rec-1")).isFalse();
        assertThat(RecordingIds.isVersion7(null)).isFalse();
    }
}
