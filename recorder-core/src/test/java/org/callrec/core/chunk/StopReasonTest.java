package org.callrec.core.chunk;

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

/** Why a recording ended: the servers' tokens, and the phone's own reason passed through. */
class StopReasonTest {

    @Test
    @DisplayName("every reason has the token the services already write, byte for byte")
    void tokensOnTheWire() {
        Map<StopReason, String> expected = new LinkedHashMap<>();
        expected.put(StopReason.STOP, "stop");
        expected.put(StopReason.SOCKET_ERROR, "socket-error");
        expected.put(StopReason.ALLOCATION_ABANDONED, "allocation-abandoned");
        expected.put(StopReason.CONTROL_LOST, "control-lost");
        expected.put(StopReason.INGEST_SHUTDOWN, "ingest-shutdown");
        expected.put(StopReason.RECOVERY_FAILED, "recovery-failed");
        expected.put(StopReason.MAX_DURATION, "max-duration");
        expected.put(StopReason.MEDIA_TIMEOUT, "media-timeout");
        expected.put(StopReason.INGEST_LOST, "ingest-lost");
        expected.put(StopReason.CAP_TRIPPED, "cap-tripped");

        assertThat(Arrays.stream(StopReason.values()).map(StopReason::token))
                .containsExactlyElementsOf(expected.values());
        expected.forEach((reason, token) -> assertThat(reason.token()).isEqualTo(token));
    }

    @ParameterizedTest
    @EnumSource(StopReason.class)
    @DisplayName("a token parses back to its reason, and is() knows its own token")
    void roundTrip(StopReason reason) {
        assertThat(StopReason.parse(reason.token())).contains(reason);
        assertThat(reason.is(reason.token())).isTrue();
    }

    @ParameterizedTest(name = "\"{0}\"")
    @NullAndEmptySource
    @ValueSource(strings = {"transfer", "hangup", "Socket-Error", "stop "})
    @DisplayName("a phone's own reason is no server token")
    void unknownToken(String token) {
        assertThat(StopReason.parse(token)).isEmpty();
        assertThat(StopReason.STOP.is(token)).isFalse();
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"transfer", "hangup by user", " padded ", "socket-error", "STOP"})
    @DisplayName("a phone's reason passes through exactly as sent")
    void phoneReasonPassesThrough(String phoneReason) {
        assertThat(StopReason.orStop(phoneReason)).isEqualTo(phoneReason);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @NullAndEmptySource
    @ValueSource(strings = {" ", "\t"})
    @DisplayName("a phone's stop without a reason ends as stop")
    void noPhoneReasonIsStop(String phoneReason) {
        assertThat(StopReason.orStop(phoneReason)).isEqualTo("stop");
    }
}
