package org.callrec.core.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One control command of the phone's recording protocol: {@code cmd=<name>} plus its
 * {@code key=value} parameters, already percent-decoded.
 *
 * <p>Keys are stored lower-case (the protocol decision is that keys match case-insensitively),
 * in the order they arrived. The {@code cmd} key itself is not part of {@link #params()}.
 */
public record Command(String name, Map<String, String> params) {

    /** {@code cmd} value a phone sends to start a recording. */
    public static final String START_REQUEST = "RecordStartRequest";
    /** {@code cmd} value the server answers a start with. */
    public static final String START_RESPONSE = "RecordStartResponse";
    /** {@code cmd} value a phone sends to stop a recording. */
    public static final String STOP_REQUEST = "RecordStopRequest";
    /** {@code cmd} value the server answers a stop with. */
    public static final String STOP_RESPONSE = "RecordStopResponse";

    public Command {
        LinkedHashMap<String, String> copy = new LinkedHashMap<>();
        params.forEach((k, v) -> copy.putIfAbsent(k.toLowerCase(Locale.ROOT), v));
        params = Collections.unmodifiableMap(copy);
    }

    /** True when this command's name equals {@code expected}, ignoring case. */
    public boolean is(String expected) {
        return name.equalsIgnoreCase(expected);
    }

    /** The value of {@code key} (case-insensitive), if present. */
    public Optional<String> get(String key) {
        return Optional.ofNullable(params.get(key.toLowerCase(Locale.ROOT)));
    }

    /** The value of {@code key}, or {@code fallback} when absent. */
    public String getOr(String key, String fallback) {
        return params.getOrDefault(key.toLowerCase(Locale.ROOT), fallback);
    }
}
