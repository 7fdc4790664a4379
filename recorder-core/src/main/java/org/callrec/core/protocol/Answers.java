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
        Map<String, String> p = new LinkedHashMap<>();
        p.put("id", phoneId);
        p.put("result", SUCCESS);
        p.put("server", server);
        p.put("port", Integer.toString(port));
        return new Command(Command.START_RESPONSE, p);
    }

    /** A start that was refused, with its reason token. */
    public static Command startFailed(String phoneId, String reason) {
        return failed(Command.START_RESPONSE, phoneId, reason);
    }

    /** A stop that ended its recording. */
    public static Command stopSucceeded(String phoneId) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("id", phoneId);
        p.put("result", SUCCESS);
        return new Command(Command.STOP_RESPONSE, p);
    }

    /** A stop that could not be carried out, with its reason token. */
    public static Command stopFailed(String phoneId, String reason) {
        return failed(Command.STOP_RESPONSE, phoneId, reason);
    }

    /** The answer to bytes that are no command at all (unparsable, too long): no id. */
    public static Command error(String reason) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("result", FAILED);
        p.put("reason", reason);
        return new Command(ERROR_RESPONSE, p);
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
        Map<String, String> p = new LinkedHashMap<>();
        request.get("id").ifPresent(id -> p.put("id", id));
        p.put("result", FAILED);
        p.put("reason", "unknown-command");
        return new Command(name, p);
    }

    private static Command failed(String name, String phoneId, String reason) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("id", phoneId);
        p.put("result", FAILED);
        p.put("reason", reason);
        return new Command(name, p);
    }
}
