package org.callrec.core.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Why a packet was not used, and whether that makes a recording not intact. */
class DropReasonTest {

    @Test
    @DisplayName("every reason has the token ingest and storage already write, byte for byte")
    void tokensOnTheWire() {
        Map<DropReason, String> expected = new LinkedHashMap<>();
        expected.put(DropReason.FOREIGN_SOURCE, "foreign-source");
        expected.put(DropReason.FOREIGN_PORT, "foreign-port");
        expected.put(DropReason.MALFORMED, "malformed");
        expected.put(DropReason.OVERSIZE, "oversize");
        expected.put(DropReason.PUBLISH_BACKLOG, "publish-backlog");
        expected.put(DropReason.RECORDING_BACKLOG, "recording-backlog");
        expected.put(DropReason.PUBLISH_FAILED, "publish-failed");
        expected.put(DropReason.ENDED, "ended");
        expected.put(DropReason.AFTER_RELEASE, "after-release");
        expected.put(DropReason.PAYLOAD_TYPE, "payload-type");
        expected.put(DropReason.STALE_SSRC, "stale-ssrc");
        expected.put(DropReason.OVERLAP, "overlap");
        expected.put(DropReason.OUT_OF_RANGE, "out-of-range");
        expected.put(DropReason.CAPPED, "capped");

        assertThat(Arrays.stream(DropReason.values()).map(DropReason::token))
                .containsExactlyElementsOf(expected.values());
        expected.forEach((reason, token) -> assertThat(reason.token()).isEqualTo(token));
    }

    @ParameterizedTest
    @EnumSource(DropReason.class)
    @DisplayName("a token parses back to its reason")
    void roundTrip(DropReason reason) {
        assertThat(DropReason.parse(reason.token())).contains(reason);
        assertThat(DropReason.countsAgainstIntact(reason.token())).isEqualTo(reason.countsAgainstIntact());
    }

    @Test
    @DisplayName("only foreign-source, payload-type and malformed leave a recording intact (storage's former HARMLESS_DROPS)")
    void harmlessDropsAreTheFormerSet() {
        Set<String> harmless = Arrays.stream(DropReason.values()).filter(r -> !r.countsAgainstIntact())
                .map(DropReason::token).collect(Collectors.toSet());

        assertThat(harmless).isEqualTo(Set.of("foreign-source", "foreign-port", "payload-type", "malformed"));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @NullAndEmptySource
    @ValueSource(strings = {"wrong-source", "Malformed", "payload_type", "huge"})
    @DisplayName("a token not listed parses to nothing and counts against intact")
    void unknownToken(String token) {
        assertThat(DropReason.parse(token)).isEmpty();
        assertThat(DropReason.countsAgainstIntact(token)).isTrue();
    }
}
