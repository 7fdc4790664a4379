package org.callrec.storage.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The import's query parameters. */
class ImportRequestTest {

    @Test
    @DisplayName("the start time is read from a Record_ file name: local date-time in the phone's zone, or epoch")
    void fileNames() {
        ZoneId paris = ZoneId.of("Europe/Paris");
        assertThat(ImportRequest.fromFileName("Record_20251126093000.wav", paris))
                .contains(Instant.parse("2025-11-26T08:30:00Z"));
        assertThat(ImportRequest.fromFileName("Record_20250704-093000", paris))
                .contains(Instant.parse("2025-07-04T07:30:00Z")); // summer time
        assertThat(ImportRequest.fromFileName("Record_1764149400.wav", paris))
                .contains(Instant.ofEpochSecond(1_764_149_400L));
        assertThat(ImportRequest.fromFileName("Record_1764149400123.wav", paris))
                .contains(Instant.ofEpochMilli(1_764_149_400_123L));
        assertThat(ImportRequest.fromFileName("Record_20251399999999.wav", paris)).isEmpty(); // no such date
        assertThat(ImportRequest.fromFileName("Record_42.wav", paris)).isEmpty();
    }

    @Test
    @DisplayName("values are normalised, recordedAt wins over the file name, unknown parameters are kept")
    void parse() throws Exception {
        ImportRequest r = ImportRequest.parse(Map.of("device", "00-15-65-AA-BB-CC", "direction", "OUT",
                "fileName", "Record_20251126093000.wav", "recordedAt", "2025-01-02T03:04:05Z", "x-queue", "support"));
        assertThat(r.tenant()).isEqualTo("default");
        assertThat(r.device()).isEqualTo("00:15:65:aa:bb:cc");
        assertThat(r.direction()).isEqualTo("out");
        assertThat(r.recordedAt()).isEqualTo(Optional.of(Instant.parse("2025-01-02T03:04:05Z")));
        assertThat(r.fields()).containsExactly(Map.entry("x-queue", "support"));
        assertThat(r.params()).hasSize(5);
    }

    @Test
    @DisplayName("a wrong device, direction, time or zone is refused with a message")
    void invalid() {
        assertThatThrownBy(() -> ImportRequest.parse(Map.of("device", "phone"))).hasMessageContaining("not a MAC address");
        assertThatThrownBy(() -> ImportRequest.parse(Map.of("direction", "both"))).hasMessageContaining("in or out");
        assertThatThrownBy(() -> ImportRequest.parse(Map.of("recordedAt", "today"))).hasMessageContaining("ISO-8601");
        assertThatThrownBy(() -> ImportRequest.parse(Map.of("timeZone", "Mars/Olympus"))).hasMessageContaining("time zone");
    }

    @Test
    @DisplayName("the tenant is the credential's: absent or equal is fine, another is refused")
    void tenantOfTheCredential() throws Exception {
        assertThat(ImportRequest.parse(Map.of(), "acme").tenant()).isEqualTo("acme");
        assertThat(ImportRequest.parse(Map.of("tenant", "acme"), "acme").tenant()).isEqualTo("acme");
        assertThatThrownBy(() -> ImportRequest.parse(Map.of("tenant", "globex"), "acme"))
                .isInstanceOf(ImportRequest.Invalid.class).hasMessageContaining("tenant of its credential");
    }
}
