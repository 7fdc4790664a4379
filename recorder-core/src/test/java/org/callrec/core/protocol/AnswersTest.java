package org.callrec.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The server's answers on the wire (PROTOCOL.md, "Answers"): id first, then result, then reason or endpoint. */
class AnswersTest {

    @Test
    @DisplayName("a successful start names the endpoint where the phone sends its RTP")
    void startSucceeded() {
        assertThat(CommandCodec.format(Answers.startSucceeded("start-1", "192.0.2.1", 41000)))
                .isEqualTo("cmd=RecordStartResponse&id=start-1&result=success&server=192.0.2.1&port=41000");
    }

    @Test
    @DisplayName("a refused start echoes the id and gives a reason token")
    void startFailed() {
        assertThat(CommandCodec.format(Answers.startFailed("many-9", "too-many-recordings")))
                .isEqualTo("cmd=RecordStartResponse&id=many-9&result=failed&reason=too-many-recordings");
    }

    @Test
    @DisplayName("a refused start without id still carries an (empty) id")
    void startFailedWithoutId() {
        assertThat(CommandCodec.format(Answers.startFailed("", "bad-request")))
                .isEqualTo("cmd=RecordStartResponse&id=&result=failed&reason=bad-request");
    }

    @Test
    @DisplayName("a stop is answered success, or failed with a reason")
    void stops() {
        assertThat(CommandCodec.format(Answers.stopSucceeded("stop-1")))
                .isEqualTo("cmd=RecordStopResponse&id=stop-1&result=success");
        assertThat(CommandCodec.format(Answers.stopFailed("never-started", "unknown-recording")))
                .isEqualTo("cmd=RecordStopResponse&id=never-started&result=failed&reason=unknown-recording");
    }

    @Test
    @DisplayName("bytes that are no command are answered ErrorResponse, without id")
    void error() {
        assertThat(CommandCodec.format(Answers.error("bad-request")))
                .isEqualTo("cmd=ErrorResponse&result=failed&reason=bad-request");
    }

    @Test
    @DisplayName("an unknown command is answered under its Response name, echoing its id")
    void unknownCommandNamedAfterTheRequest() throws Exception {
        assertThat(CommandCodec.format(Answers.unknownCommand(CommandCodec.parse("cmd=RecordPauseRequest&id=pause-1"))))
                .isEqualTo("cmd=RecordPauseResponse&id=pause-1&result=failed&reason=unknown-command");
    }

    @Test
    @DisplayName("an unknown command whose name does not end in Request is answered ErrorResponse, without id if it had none")
    void unknownCommandWithoutRequestSuffix() throws Exception {
        assertThat(CommandCodec.format(Answers.unknownCommand(CommandCodec.parse("cmd=Hello"))))
                .isEqualTo("cmd=ErrorResponse&result=failed&reason=unknown-command");
    }
}
