package org.callrec.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import org.callrec.core.chunk.StopReason;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How a RecordStopRequest is read (PROTOCOL.md, "RecordStopRequest"). */
class StopRequestTest {

    @Test
    @DisplayName("a stop carries the phone's id, its reason and the call's final fields (all but id, as sent)")
    void stopWithReasonAndFields() throws Exception {
        StopRequest stop = StopRequest.of(CommandCodec.parse(
                "cmd=RecordStopRequest&id=%20stop-1%20&remote_number=101&remote_name=Bob+Jr&reason=hangup"));

        assertThat(stop.phoneId()).as("stripped").isEqualTo("stop-1");
        assertThat(stop.reason()).isEqualTo("hangup");
        assertThat(stop.fields()).containsExactly(
                entry("remote_number", "101"),
                entry("remote_name", "Bob Jr"),
                entry("reason", "hangup"));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"cmd=RecordStopRequest&id=s-2", "cmd=RecordStopRequest&id=s-2&reason=",
            "cmd=RecordStopRequest&id=s-2&reason=%20"})
    @DisplayName("a stop without a reason (or a blank one) has reason 'stop'")
    void defaultReason(String command) throws Exception {
        assertThat(StopRequest.of(CommandCodec.parse(command)).reason()).isEqualTo(StopReason.STOP.token())
                .isEqualTo("stop");
    }

    @Test
    @DisplayName("a stop without an id reads as an empty id (answered unknown-recording by the server)")
    void noId() throws Exception {
        StopRequest stop = StopRequest.of(CommandCodec.parse("cmd=RecordStopRequest&reason=hangup"));

        assertThat(stop.phoneId()).isEmpty();
    }
}
