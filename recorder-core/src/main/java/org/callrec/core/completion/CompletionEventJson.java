package org.callrec.core.completion;

import java.util.HashMap;
import java.util.Map;

/**
 * The JSON form of a {@link CompletionEvent}, in plain code. The writer produces what a default
 * Jackson {@code ObjectMapper} produces for the event: members in order; {@code "} and
 * {@code \\} escaped with a backslash, as are backspace, tab, newline, form feed and carriage
 * return ({@code \b \t \n \f \r}); other control characters as a six-character escape with
 * upper-case hex; non-ASCII as it is; NaN and infinities as strings. The reader reads one flat
 * object.
 */
final class CompletionEventJson {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private CompletionEventJson() {
    }

    static String write(CompletionEvent e) {
        StringBuilder out = new StringBuilder(512).append('{');
        Object[] values = {e.type(), e.recordingId(), e.tenant(), e.bucket(), e.audioKey(), e.metadataKey(),
            e.phoneSessionId(), e.device(), e.codec(), e.durationSeconds(), e.stopReason(), e.startedAt(), e.endedAt(),
            e.completedAt(), e.source(), e.audioBytes()};
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            string(out, CompletionEvent.FIELDS.get(i));
            out.append(':');
            Object v = values[i];
            if (v == null) {
                out.append("null");
            } else if (v instanceof Double d) {
                if (d.isNaN() || d.isInfinite()) {
                    string(out, d.toString());
                } else {
                    out.append(d.doubleValue());
                }
            } else if (v instanceof Long l) {
                out.append(l.longValue());
            } else {
                string(out, (String) v);
            }
        }
        return out.append('}').toString();
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\f' -> out.append("\\f");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    static CompletionEvent read(String json) {
        Map<String, Object> m = new Reader(json).document();
        Object duration = m.get("durationSeconds");
        return new CompletionEvent(text(m, "type"), text(m, "recordingId"), text(m, "tenant"), text(m, "bucket"),
                text(m, "audioKey"), text(m, "metadataKey"), text(m, "phoneSessionId"), text(m, "device"),
                text(m, "codec"), duration instanceof Number n ? n.doubleValue() : Double.NaN, text(m, "stopReason"),
                text(m, "startedAt"), text(m, "endedAt"), text(m, "completedAt"), text(m, "source"),
                wholeNumber(m.get("audioBytes")));
    }

    private static long wholeNumber(Object v) {
        if (v instanceof RawNumber n) {
            try {
                return Long.parseLong(n.text);
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    private static String text(Map<String, Object> m, String field) {
        Object v = m.get(field);
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof RawNumber n) {
            return n.text;
        }
        return v instanceof Boolean b ? b.toString() : "";
    }

    /** A number as written, and its value. */
    private static final class RawNumber extends Number {
        private static final long serialVersionUID = 1L;
        final String text;
        final double value;

        RawNumber(String text) {
            this.text = text;
            this.value = Double.parseDouble(text);
        }

        @Override
        public int intValue() {
            return (int) value;
        }

        @Override
        public long longValue() {
            return (long) value;
        }

        @Override
        public float floatValue() {
            return (float) value;
        }

        @Override
        public double doubleValue() {
            return value;
        }
    }

    /** Reads one JSON object; its members' values are String, RawNumber, Boolean, NESTED or null. */
    private static final class Reader {
        private static final Object NESTED = new Object();
        private final String s;
        private int pos;

        Reader(String s) {
            if (s == null) {
                throw new IllegalArgumentException("no JSON");
            }
            this.s = s;
        }

        Map<String, Object> document() {
            space();
            expect('{');
            Map<String, Object> members = new HashMap<>();
            space();
            if (peek() == '}') {
                pos++;
            } else {
                while (true) {
                    space();
                    String name = string();
                    space();
                    expect(':');
                    Object value = value();
                    members.put(name, value);
                    space();
                    char c = next();
                    if (c == '}') {
                        break;
                    }
                    if (c != ',') {
                        throw error("',' or '}' expected");
                    }
                }
            }
            space();
            if (pos != s.length()) {
                throw error("text after the object");
            }
            return members;
        }

        private Object value() {
            space();
            char c = peek();
            switch (c) {
                case '"':
                    return string();
                case '{':
                case '[':
                    skipNested();
                    return NESTED;
                case 't':
                    word("true");
                    return Boolean.TRUE;
                case 'f':
                    word("false");
                    return Boolean.FALSE;
                case 'n':
                    word("null");
                    return null;
                default:
                    return number();
            }
        }

        private void skipNested() {
            int depth = 0;
            do {
                char c = peek();
                if (c == '"') {
                    string();
                    continue;
                }
                pos++;
                if (c == '{' || c == '[') {
                    depth++;
                } else if (c == '}' || c == ']') {
                    depth--;
                }
            } while (depth > 0);
        }

        private RawNumber number() {
            int start = pos;
            while (pos < s.length() && "+-0123456789.eE".indexOf(s.charAt(pos)) >= 0) {
                pos++;
            }
            if (start == pos) {
                throw error("a value expected");
            }
            try {
                return new RawNumber(s.substring(start, pos));
            } catch (NumberFormatException e) {
                throw error("not a number");
            }
        }

        private void word(String w) {
            if (!s.startsWith(w, pos)) {
                throw error("'" + w + "' expected");
            }
            pos += w.length();
        }

        private String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return out.toString();
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char e = next();
                switch (e) {
                    case '"', '\\', '/' -> out.append(e);
                    case 'b' -> out.append('\b');
                    case 't' -> out.append('\t');
                    case 'n' -> out.append('\n');
                    case 'f' -> out.append('\f');
                    case 'r' -> out.append('\r');
                    case 'u' -> {
                        if (pos + 4 > s.length()) {
                            throw error("short \\u escape");
                        }
                        try {
                            out.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw error("bad \\u escape");
                        }
                        pos += 4;
                    }
                    default -> throw error("bad escape");
                }
            }
        }

        private void space() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        private char peek() {
            if (pos >= s.length()) {
                throw error("unexpected end");
            }
            return s.charAt(pos);
        }

        private char next() {
            char c = peek();
            pos++;
            return c;
        }

        private void expect(char c) {
            if (next() != c) {
                throw error("'" + c + "' expected");
            }
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException("not a completion event: " + what + " at offset " + pos);
        }
    }
}
