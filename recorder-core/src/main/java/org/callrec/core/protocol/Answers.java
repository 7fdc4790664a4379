package org.callrec.core.protocol;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The server's answers to the phone (PROTOCOL.md, "Answers"), as {@link Command}s ready for
 * {@link CommandCodec#format}: {@code id} first when the request had one, then {@code result}
 * ({@code success} or {@code failed}), then {@code reason} of a failure or the endpoint of a
 * successful start.
 */
public final class Answers {

    /** {@code cmd} of an answer to bytes that are no known command, or carry no usable name. */
    public static final String ERROR_RESPONSE = "ErrorResponse";
    /** {@code result} of an answer that did what was asked. */
    public static final String SUCCESS = "success";
    /** {@code result} of an answer that did not; a {@code reason} token says why. */
    public static final String FAILED = "failed";

    private static final String REQUEST_SUFFIX = "Request";
    private static final String RESPONSE_SUFFIX = "Response";

    private Answers() {
    }

    /** A start that succeeded: where the phone sends its RTP. */
    public static Command startSucceeded(String phoneId, String server, int port) {
        return answer(Command.START_RESPONSE, "id", phoneId, "result", SUCCESS, "server", server,
                "port", Integer.toString(port));
    }

    /** A start that was refused, with its reason token. */
    public static Command startFailed(String phoneId, String reason) {
        return answer(Command.START_RESPONSE, "id", phoneId, "result", FAILED, "reason", reason);
    }

    /** A stop that ended its recording. */
    public static Command stopSucceeded(String phoneId) {
        return answer(Command.STOP_RESPONSE, "id", phoneId, "result", SUCCESS);
    }

    /** A stop that could not be carried out, with its reason token. */
    public static Command stopFailed(String phoneId, String reason) {
        return answer(Command.STOP_RESPONSE, "id", phoneId, "result", FAILED, "reason", reason);
    }

    /** The answer to bytes that are no command at all (unparsable, too long): no id. */
    public static Command error(String reason) {
        return answer(ERROR_RESPONSE, "result", FAILED, "reason", reason);
    }

    /**
     * The answer to a command this server does not carry out: named after the request
     * ({@code RecordPauseRequest} → {@code RecordPauseResponse}; {@link #ERROR_RESPONSE} for a
     * name not ending in {@code Request}), echoing its {@code id} if it had one, reason
     * {@code unknown-command}.
     */
    public static Command unknownCommand(Command request) {
        String name = request.name().endsWith(REQUEST_SUFFIX)
                ? request.name().substring(0, request.name().length() - REQUEST_SUFFIX.length()) + RESPONSE_SUFFIX
                : ERROR_RESPONSE;
        String reason = RefusalReason.UNKNOWN_COMMAND.token();
        return request.get("id")
                .map(id -> answer(name, "id", id, "result", FAILED, "reason", reason))
                .orElseGet(() -> answer(name, "result", FAILED, "reason", reason));
    }

    /** An answer named {@code name} with these pairs, in this order. */
    private static Command answer(String name, String... keyValues) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            pairs.put(keyValues[i], keyValues[i + 1]);
        }
        return new Command(name, pairs);
    }
}
