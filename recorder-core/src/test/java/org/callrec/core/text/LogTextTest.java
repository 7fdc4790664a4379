package org.callrec.core.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Escaping text from the wire for plain-text log lines. */
class LogTextTest {

    @Test
    @DisplayName("CR, LF, tab, NUL and the backslash itself are written as backslash escapes")
    void lineBreaksAndNul() {
        // a forged second log line after the phone's id
        assertThat(LogText.escape("abc\r\n2026-12-02 INFO fake line\0\t\\"))
                .isEqualTo("abc\\r\\n2026-12-02 INFO fake line\\0\\t\\\\");
    }

    @ParameterizedTest(name = "U+{0}")
    @CsvSource({
            "0001", "001b", "007f", "0085", "009f", // C0, ESC (terminal sequences), DEL, NEL, C1
            "2028", "2029",                         // line and paragraph separators
            "202a", "202b", "202c", "202d", "202e", // bidi embeddings and overrides
            "2066", "2067", "2068", "2069",         // bidi isolates
            "200e", "200f", "061c", "feff"})        // LRM, RLM, ALM, BOM
    @DisplayName("other controls and the invisible bidi characters are written as \\uXXXX")
    void invisibleCharacters(String hex) {
        char c = (char) Integer.parseInt(hex, 16);
        assertThat(LogText.escape("a" + c + "b")).isEqualTo("a\\u" + hex + "b");
    }

    @Test
    @DisplayName("letters of any script and emoji are kept; a lone surrogate is escaped")
    void printableTextIsKept() {
        assertThat(LogText.escape("François 张伟 😀 +33 1 23")).isEqualTo("François 张伟 😀 +33 1 23");
        assertThat(LogText.escape("x\ud800y")).isEqualTo("x\\ud800y");
        assertThat(LogText.escape("x\udc00")).isEqualTo("x\\udc00");
    }

    @Test
    @DisplayName("a long value is cut and says how many characters were left out, never inside an escape or a pair")
    void cutToLength() {
        assertThat(LogText.escape("a".repeat(5000), 10)).isEqualTo("aaaaaaaaaa…(+4990)");
        // "\n" takes two characters: it does not fit after nine 'a's in ten
        assertThat(LogText.escape("aaaaaaaaa\nb", 10)).isEqualTo("aaaaaaaaa…(+2)");
        // a surrogate pair is not split
        assertThat(LogText.escape("aaaaaaaaa😀", 10)).isEqualTo("aaaaaaaaa…(+2)");
        assertThat(LogText.escape("short", 10)).isEqualTo("short");
        assertThat(LogText.escape("x".repeat(LogText.DEFAULT_MAX_CHARS + 1)))
                .hasSize(LogText.DEFAULT_MAX_CHARS + "…(+1)".length());
    }

    @Test
    @DisplayName("null is written null; a negative length is a bug")
    void edges() {
        assertThat(LogText.escape(null)).isEqualTo("null");
        assertThatThrownBy(() -> LogText.escape("a", -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("whatever the input, the result has no control or bidi character and respects the length")
    void neverAnythingInvisible() {
        // seeded: a failure reproduces; the alphabet mixes controls, bidi, surrogates and text
        Random random = new Random(20261202);
        char[] alphabet = "a\\\r\n\t\0\u0001\u001b\u007f\u0085\u2028\u202a\u202e\u2066\u2069\u200f\ufeff\ud83d\ude00\ud800é张".toCharArray();
        for (int round = 0; round < 5000; round++) {
            StringBuilder input = new StringBuilder();
            for (int i = random.nextInt(60); i > 0; i--) {
                input.append(alphabet[random.nextInt(alphabet.length)]);
            }
            int max = random.nextInt(80);
            String escaped = LogText.escape(input, max);
            int mark = escaped.lastIndexOf("…(+");
            String kept = mark >= 0 && escaped.endsWith(")") && escaped.length() > max ? escaped.substring(0, mark) : escaped;
            assertThat(kept.length()).as("input %s", input).isLessThanOrEqualTo(max);
            assertThat(escaped.chars()).as("input %s", input).noneMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f)
                    || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x2028 || c == 0x2029
                    || c == 0x200f || c == 0xfeff);
            // only whole surrogate pairs remain
            assertThat(escaped.codePoints()).as("input %s", input).noneMatch(cp -> cp >= 0xd800 && cp <= 0xdfff);
        }
    }
}
