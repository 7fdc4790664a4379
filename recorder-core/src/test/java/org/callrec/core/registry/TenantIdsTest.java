package org.callrec.core.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TenantIdsTest {

    @ParameterizedTest
    @ValueSource(strings = {"default", "acme", "a", "acme-2", "0", "a123456789012345678901234567890123456789012345678901234567890bc"})
    void slugsAreTenantIds(String id) {
        assertThat(TenantIds.isValid(id)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Acme", "-acme", "acme-", "ac me", "ac/me", "..", "acme.", "ac_me", "é",
        "a1234567890123456789012345678901234567890123456789012345678901bcd"})
    void idsThatWouldNeedSanitisingInAKeyAreNot(String id) {
        assertThat(TenantIds.isValid(id)).isFalse();
    }
}
