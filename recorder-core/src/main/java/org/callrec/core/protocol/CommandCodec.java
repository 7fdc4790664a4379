package org.callrec.core.protocol;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses and formats the phone's URL-query style commands
 * ({@code cmd=RecordStartRequest&id=…&device=…}).
 *
 * <p>Decisions (PROTOCOL.md, "Values"): values are percent-decoded as UTF-8 with {@code +} as a
 * space; key order is free; keys are matched case-insensitively; when a key repeats, the first
 * occurrence wins; empty pairs ({@code &&}) are ignored; a pair without {@code =} is a key with
 * an empty value. Formatting percent-encodes values so that any text (including {@code &},
 * {@code =} and UTF-8 names) round-trips.
 */
public final class CommandCodec {

    private CommandCodec() {
    }

    /**
     * Parses one command (without its terminator).
     *
     * @throws CommandSyntaxException when the text is empty, has no {@code cmd}, or carries a
     *                                malformed percent escape
     */
    public static Command parse(String text) throws CommandSyntaxException {
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            throw new CommandSyntaxException("empty command");
        }
        Map<String, String> params = new LinkedHashMap<>();
        String name = null;
        for (String pair : trimmed.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq)).strip();
            String rawValue = eq < 0 ? "" : pair.substring(eq + 1);
            // A phone may send an E.164 number unencoded ("+33…"): in number fields '+' stays '+'.
            String value = decode(key.toLowerCase(java.util.Locale.ROOT).endsWith("number")
                    ? rawValue.replace("+", "%2B") : rawValue);
            if (key.isEmpty()) {
                throw new CommandSyntaxException("pair without a key: '" + pair + "'");
            }
            if (key.equalsIgnoreCase("cmd")) {
                if (name == null) {
                    name = value.strip();
                }
            } else {
                params.putIfAbsent(key, value);
            }
        }
        if (name == null || name.isEmpty()) {
            throw new CommandSyntaxException("no cmd");
        }
        return new Command(name, params);
    }

    /** Formats a command as {@code cmd=<name>&k=v…}, percent-encoding values and keys. */
    public static String format(Command command) {
        StringBuilder sb = new StringBuilder(64).append("cmd=").append(encode(command.name()));
        command.params().forEach((k, v) -> sb.append('&').append(encode(k)).append('=').append(encode(v)));
        return sb.toString();
    }

    private static String decode(String s) throws CommandSyntaxException {
        for (int i = s.indexOf('%'); i >= 0; i = s.indexOf('%', i + 1)) {
            if (i + 2 >= s.length() || Character.digit(s.charAt(i + 1), 16) < 0 || Character.digit(s.charAt(i + 2), 16) < 0) {
                throw new CommandSyntaxException("malformed percent escape in '" + s + "'");
            }
        }
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new CommandSyntaxException("malformed percent escape in '" + s + "'");
        }
    }

    private static String encode(String s) {
        // Spaces as %20, not '+': a '+' in a number field is read back as a literal plus.
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
