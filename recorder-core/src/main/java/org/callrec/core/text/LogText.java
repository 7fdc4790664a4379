package org.callrec.core.text;

/**
 * Makes text from the wire safe to put in a plain-text log line: nothing in it can end the
 * line, forge another one, hide or reorder what a reader sees, or make the line huge.
 *
 * <ul>
 *   <li>{@code \} is written {@code \\}, so every escape below is unambiguous;</li>
 *   <li>CR, LF, tab and NUL are written {@code \r}, {@code \n}, {@code \t}, {@code \0};</li>
 *   <li>every other C0 and C1 control character and DEL, the line and paragraph separators
 *       U+2028/U+2029, the bidi controls U+202A–U+202E (embeddings, overrides), U+2066–U+2069
 *       (isolates), the marks U+200E, U+200F, U+061C, the BOM U+FEFF and a lone surrogate are
 *       written as {@code \}{@code uXXXX} (lower-case hex);</li>
 *   <li>the result is cut to a maximum length, never inside an escape or a surrogate pair, and
 *       then ends with {@code …(+N)}, N being how many characters of the input were left out.</li>
 * </ul>
 * Everything else (letters of any script, emoji) is kept as it is.
 */
public final class LogText {

    /** Longest escaped value {@link #escape(CharSequence)} returns, before the cut mark. */
    public static final int DEFAULT_MAX_CHARS = 200;

    private LogText() {
    }

    /** {@link #escape(CharSequence, int)} with {@link #DEFAULT_MAX_CHARS}; {@code null} is {@code "null"}. */
    public static String escape(CharSequence text) {
        return escape(text, DEFAULT_MAX_CHARS);
    }

    /**
     * The escaped text, at most {@code maxChars} characters plus the cut mark when it had to be
     * cut; {@code null} is {@code "null"}.
     */
    public static String escape(CharSequence text, int maxChars) {
        if (text == null) {
            return "null";
        }
        if (maxChars < 0) {
            throw new IllegalArgumentException("maxChars < 0: " + maxChars);
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), maxChars) + 8);
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            int width = 1;
            String piece;
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                width = 2;
                piece = null; // a valid pair: kept as is
            } else {
                piece = escapeChar(c);
            }
            int added = piece == null ? width : piece.length();
            if (out.length() + added > maxChars) {
                break;
            }
            if (piece == null) {
                out.append(text, i, i + width);
            } else {
                out.append(piece);
            }
            i += width;
        }
        if (i < n) {
            out.append("…(+").append(n - i).append(')');
        }
        return out.toString();
    }

    /** The escape of one UTF-16 unit, or {@code null} when it is kept as it is. */
    private static String escapeChar(char c) {
        switch (c) {
            case '\\':
                return "\\\\";
            case '\r':
                return "\\r";
            case '\n':
                return "\\n";
            case '\t':
                return "\\t";
            case '\0':
                return "\\0";
            default:
                break;
        }
        if (needsUnicodeEscape(c)) {
            return String.format("\\u%04x", (int) c);
        }
        return null;
    }

    private static boolean needsUnicodeEscape(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f)
                || c == 0x2028 || c == 0x2029
                || (c >= 0x202a && c <= 0x202e)
                || (c >= 0x2066 && c <= 0x2069)
                || c == 0x200e || c == 0x200f || c == 0x061c || c == 0xfeff
                || Character.isSurrogate(c); // reached only for a lone surrogate
    }
}
