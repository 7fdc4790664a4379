package org.callrec.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The phone's URL-query style commands (PROTOCOL.md, "Control channel" and "Values"). */
class CommandCodecTest {

    @Nested
    @DisplayName("parse")
    class Parse {

        @Test
        @DisplayName("reads the vendor's start request line: cmd plus every documented key, in order")
        void vendorStartRequest() throws Exception {
            Command c = CommandCodec.parse("cmd=RecordStartRequest&id=1234567&device=00:15:65:aa:bb:cc"
                    + "&remote_number=1002&remote_name=Bob&local_number=1001&local_name=Alice&dir=out&codec=PCMA");

            assertThat(c.name()).isEqualTo("RecordStartRequest");
            assertThat(c.is(Command.START_REQUEST)).isTrue();
            // cmd is the command's name, not one of its parameters
            assertThat(c.params()).containsExactly(
                    entry("id", "1234567"),
                    entry("device", "00:15:65:aa:bb:cc"),
                    entry("remote_number", "1002"),
                    entry("remote_name", "Bob"),
                    entry("local_number", "1001"),
                    entry("local_name", "Alice"),
                    entry("dir", "out"),
                    entry("codec", "PCMA"));
        }

        @Test
        @DisplayName("reads the vendor's stop request line")
        void vendorStopRequest() throws Exception {
            Command c = CommandCodec.parse("cmd=RecordStopRequest&id=1234567&remote_number=1002&remote_name=Bob"
                    + "&local_number=1001&local_name=Alice&reason=hangup");

            assertThat(c.is(Command.STOP_REQUEST)).isTrue();
            assertThat(c.is(Command.START_REQUEST)).isFalse();
            assertThat(c.get("id")).contains("1234567");
            assertThat(c.get("reason")).contains("hangup");
            assertThat(c.params()).hasSize(6).doesNotContainKey("cmd");
        }

        @Test
        @DisplayName("keeps a raw '+' in number fields (E.164 numbers sent unencoded), but not in names")
        void plusInNumberFieldsIsLiteral() throws Exception {
            Command c = CommandCodec.parse("cmd=RecordStartRequest&remote_number=+33123456789"
                    + "&local_number=%2B4930&remote_name=Jean+Dupont");

            assertThat(c.get("remote_number")).contains("+33123456789");
            assertThat(c.get("local_number")).contains("+4930");
            assertThat(c.get("remote_name")).contains("Jean Dupont");
        }

        @Test
        @DisplayName("formats a space as %20 so that it reads back as a space in every field")
        void spacesRoundTripInNumberFields() throws Exception {
            Command original = new Command("RecordStartRequest", Map.of("remote_number", "+33 1 23"));

            assertThat(CommandCodec.format(original)).contains("remote_number=%2B33%201%2023");
            assertThat(CommandCodec.parse(CommandCodec.format(original))).isEqualTo(original);
        }

        @Test
        @DisplayName("percent-decodes values as UTF-8 and reads '+' as a space")
        void percentDecodesUtf8AndPlus() throws Exception {
            Command c = CommandCodec.parse("cmd=RecordStartRequest&remote_name=Zo%C3%AB+M%C3%BCller&local_name=%E7%8E%8B%E4%BC%9F");

            assertThat(c.get("remote_name")).contains("Zo\u00eb M\u00fcller");
            assertThat(c.get("local_name")).contains("\u738b\u4f1f");
        }

        @Test
        @DisplayName("takes raw (unencoded) UTF-8 text as it is")
        void rawUtf8PassesThrough() throws Exception {
            assertThat(CommandCodec.parse("cmd=RecordStopRequest&local_name=Zo\u00eb").get("local_name")).contains("Zo\u00eb");
        }

        @Test
        @DisplayName("decodes escaped reserved characters inside a value: %26 is '&', %3D is '=', %25 is '%', %2B is '+'")
        void escapedReservedCharacters() throws Exception {
            assertThat(CommandCodec.parse("cmd=X&remote_name=A%26B%3DC%25D%2BE").get("remote_name")).contains("A&B=C%D+E");
        }

        @Test
        @DisplayName("matches keys and the cmd value case-insensitively")
        void caseInsensitive() throws Exception {
            Command c = CommandCodec.parse("CMD=recordstartREQUEST&ID=42&Device=001565aabbcc&CoDeC=pcmu");

            assertThat(c.is(Command.START_REQUEST)).isTrue();
            assertThat(c.params()).containsOnlyKeys("id", "device", "codec");
            // lookups do not care about the caller's case either
            assertThat(c.get("Id")).contains("42");
            assertThat(c.getOr("CODEC", "none")).isEqualTo("pcmu");
        }

        @Test
        @DisplayName("keeps keys it does not know, as metadata")
        void unknownKeysKept() throws Exception {
            Command c = CommandCodec.parse("cmd=RecordStartRequest&id=1&x-tenant=acme&callid=abc%40pbx");

            assertThat(c.params()).contains(entry("x-tenant", "acme"), entry("callid", "abc@pbx"));
        }

        @Test
        @DisplayName("when a key repeats, the first occurrence wins, whatever the case of the repeat")
        void firstOccurrenceWins() throws Exception {
            Command c = CommandCodec.parse("cmd=RecordStartRequest&id=first&ID=second&id=third&cmd=RecordStopRequest");

            assertThat(c.get("id")).contains("first");
            assertThat(c.is(Command.START_REQUEST)).isTrue();
        }

        @Test
        @DisplayName("ignores empty pairs and reads a pair without '=' as a key with an empty value")
        void emptyPairsAndBareKeys() throws Exception {
            Command c = CommandCodec.parse("cmd=RecordStopRequest&&id=7&&flag&");

            assertThat(c.params()).containsExactly(entry("id", "7"), entry("flag", ""));
        }

        @Test
        @DisplayName("ignores whitespace around the whole command (a stray CR or space from the phone)")
        void surroundingWhitespace() throws Exception {
            assertThat(CommandCodec.parse("  cmd=RecordStopRequest&id=7 \r").get("id")).contains("7");
        }

        @ParameterizedTest(name = "malformed escape: {0}")
        @ValueSource(strings = {"cmd=RecordStartRequest&remote_name=100%", "cmd=RecordStartRequest&remote_name=%zz",
                "cmd=RecordStartRequest&remote_name=%4", "cmd=RecordStartRequest&remote_name=50%+off"})
        @DisplayName("rejects a malformed percent escape")
        void malformedEscape(String text) {
            assertThatThrownBy(() -> CommandCodec.parse(text)).isInstanceOf(CommandSyntaxException.class);
        }

        @ParameterizedTest(name = "no cmd: \"{0}\"")
        @ValueSource(strings = {"id=1&device=001565aabbcc", "cmd=&id=1", "cmd=%20&id=1", "command=RecordStartRequest"})
        @DisplayName("rejects a command without a (non-blank) cmd")
        void missingCmd(String text) {
            assertThatThrownBy(() -> CommandCodec.parse(text)).isInstanceOf(CommandSyntaxException.class);
        }

        @ParameterizedTest(name = "empty: \"{0}\"")
        @ValueSource(strings = {"", " ", "\r\n", "&&"})
        @DisplayName("rejects an empty command")
        void empty(String text) {
            assertThatThrownBy(() -> CommandCodec.parse(text)).isInstanceOf(CommandSyntaxException.class);
        }

        @Test
        @DisplayName("rejects a '%' escape whose two characters are not both hex digits, even when the JDK would read them as a signed number (%+4)")
        void signedEscapeIsMalformed() {
            assertThatThrownBy(() -> CommandCodec.parse("cmd=RecordStartRequest&remote_name=%+4"))
                    .isInstanceOf(CommandSyntaxException.class);
        }

        @Test
        @DisplayName("rejects a pair with a value but no key")
        void pairWithoutKey() {
            assertThatThrownBy(() -> CommandCodec.parse("cmd=RecordStopRequest&=7"))
                    .isInstanceOf(CommandSyntaxException.class);
        }
    }

    @Nested
    @DisplayName("format")
    class Format {

        @Test
        @DisplayName("writes the vendor's start response shape: cmd first, then the keys in order")
        void vendorStartResponse() {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("id", "1234567");
            p.put("result", "success");
            p.put("reason", "");
            p.put("server", "10.0.0.5");
            p.put("port", "40002");

            assertThat(CommandCodec.format(new Command(Command.START_RESPONSE, p)))
                    .isEqualTo("cmd=RecordStartResponse&id=1234567&result=success&reason=&server=10.0.0.5&port=40002");
        }

        @Test
        @DisplayName("percent-encodes what would otherwise break the line: '&', '=', '%', '+', space, CR/LF, NUL")
        void encodesReservedCharacters() {
            String line = CommandCodec.format(new Command("RecordStopResponse", Map.of("reason", "a&b=c%d+e f\r\n\0")));

            assertThat(line).startsWith("cmd=RecordStopResponse&reason=")
                    .doesNotContain(" ", "\r", "\n", "\0");
            // exactly two pairs, each with exactly one '=': nothing of the value leaked into the syntax
            assertThat(line.split("&", -1)).hasSize(2)
                    .allSatisfy(pair -> assertThat(pair.chars().filter(ch -> ch == '=').count()).isEqualTo(1));
        }

        @Test
        @DisplayName("format then parse gives back the same command for arbitrary values, including '&', '=', '%' and UTF-8")
        void roundTripsArbitraryValues() throws Exception {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("id", "x&y=z");
            p.put("remote_name", "Zo\u00eb M\u00fcller");
            p.put("local_name", "100% +sure");
            p.put("emoji", "\uD83D\uDCDE call");
            p.put("empty", "");
            p.put("spaces", "  leading and trailing  ");
            p.put("tricky", "%41%%2=&&==");
            Command original = new Command(Command.START_REQUEST, p);

            Command back = CommandCodec.parse(CommandCodec.format(original));

            assertThat(back).isEqualTo(original);
            assertThat(back.params()).containsExactlyEntriesOf(p);
        }

        @Test
        @DisplayName("round trip holds for random strings drawn from ASCII, Latin-1, CJK and astral code points")
        void roundTripsRandomValues() throws Exception {
            Random random = new Random(20240611);
            int[] alphabet = {'&', '=', '%', '+', ' ', '?', '#', '/', '\t', 'a', 'Z', '0', 0xE9, 0xFC, 0x738B, 0x1F4DE};
            for (int run = 0; run < 500; run++) {
                Map<String, String> p = new LinkedHashMap<>();
                for (int k = 0; k < 3; k++) {
                    StringBuilder value = new StringBuilder();
                    for (int n = random.nextInt(12); n > 0; n--) {
                        value.appendCodePoint(alphabet[random.nextInt(alphabet.length)]);
                    }
                    p.put("k" + k, value.toString());
                }
                Command original = new Command(Command.STOP_REQUEST, p);

                assertThat(CommandCodec.parse(CommandCodec.format(original))).isEqualTo(original);
            }
        }
    }
}
