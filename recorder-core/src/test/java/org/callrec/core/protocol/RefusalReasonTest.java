package org.callrec.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code reason} tokens of failed answers and the internal API's error tokens. */
class RefusalReasonTest {

    @Test
    @DisplayName("every reason has the token phones and ingest nodes already exchange, byte for byte")
    void tokensOnTheWire() {
        Map<RefusalReason, String> expected = new LinkedHashMap<>();
        expected.put(RefusalReason.BAD_REQUEST, "bad-request");
        expected.put(RefusalReason.UNSUPPORTED_CODEC, "unsupported-codec");
        expected.put(RefusalReason.NO_CAPACITY, "no-capacity");
        expected.put(RefusalReason.UNKNOWN_RECORDING, "unknown-recording");
        expected.put(RefusalReason.RECORDING_ENDED, "recording-ended");
        expected.put(RefusalReason.DUPLICATE_RECORDING, "duplicate-recording");
        expected.put(RefusalReason.SHUTTING_DOWN, "shutting-down");
        expected.put(RefusalReason.TOO_MANY_RECORDINGS, "too-many-recordings");
        expected.put(RefusalReason.INTERNAL_ERROR, "internal-error");
        expected.put(RefusalReason.UNKNOWN_COMMAND, "unknown-command");
        expected.put(RefusalReason.COMMAND_TOO_LONG, "command-too-long");
        expected.put(RefusalReason.UNAUTHORIZED, "unauthorized");
        expected.put(RefusalReason.RATE_LIMITED, "rate-limited");
        expected.put(RefusalReason.TOO_MANY_CONNECTIONS, "too-many-connections");
        expected.put(RefusalReason.FORBIDDEN_SOURCE, "forbidden-source");
        expected.put(RefusalReason.TOO_MANY_COMMANDS, "too-many-commands");
        expected.put(RefusalReason.UNKNOWN_DEVICE, "unknown-device");
        expected.put(RefusalReason.DEVICE_DISABLED, "device-disabled");
        expected.put(RefusalReason.TENANT_SUSPENDED, "tenant-suspended");
        expected.put(RefusalReason.QUOTA_EXCEEDED, "quota-exceeded");

        assertThat(Arrays.stream(RefusalReason.values()).map(RefusalReason::token))
                .containsExactlyElementsOf(expected.values());
        expected.forEach((reason, token) -> assertThat(reason.token()).isEqualTo(token));
    }

    @ParameterizedTest
    @EnumSource(RefusalReason.class)
    @DisplayName("a token parses back to its reason")
    void roundTrip(RefusalReason reason) {
        assertThat(RefusalReason.parse(reason.token())).contains(reason);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @NullAndEmptySource
    @ValueSource(strings = {"quota-exceded", "BAD-REQUEST", " bad-request", "bad_request", "rejected", "success"})
    @DisplayName("a token not listed (a node's own, another spelling) parses to nothing")
    void unknownToken(String token) {
        assertThat(RefusalReason.parse(token)).isEmpty();
    }
}
