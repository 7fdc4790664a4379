package org.callrec.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.EnumSet;

import org.callrec.core.audio.AudioCodec;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What a RecordStartRequest must carry before anything is allocated (PROTOCOL.md, "RecordStartRequest"). */
class StartRulesTest {

    /** A server that accepts G.711 only (control.codecs=PCMA,PCMU). */
    private final StartRules rules = new StartRules(EnumSet.of(AudioCodec.PCMA, AudioCodec.PCMU));

    @Test
    @DisplayName("a start with id, MAC, an accepted codec and a direction is valid, in its normalised reading")
    void validStart() throws Exception {
        Command start = CommandCodec.parse("cmd=RecordStartRequest&id=%20call-7%20&device=00-15-65-AB-CD-EF"
                + "&codec=alaw&dir=OUT&remote_number=101&X-Line=2");

        StartRules.Result result = rules.check(start);

        assertThat(result).isInstanceOfSatisfying(StartRules.Valid.class, valid -> {
            StartRequest request = valid.request();
            assertThat(request.phoneId()).as("id, stripped").isEqualTo("call-7");
            assertThat(request.device()).as("MAC, lower-case colon pairs").isEqualTo("00:15:65:ab:cd:ef");
            assertThat(request.codec()).as("alias resolved").isEqualTo(AudioCodec.PCMA);
            assertThat(request.direction()).as("lower-cased").isEqualTo("out");
            // every pair as sent (lower-cased keys), protocol keys too, in order
            assertThat(request.fields()).containsExactly(
                    entry("id", " call-7 "),
                    entry("device", "00-15-65-AB-CD-EF"),
                    entry("codec", "alaw"),
                    entry("dir", "OUT"),
                    entry("remote_number", "101"),
                    entry("x-line", "2"));
        });
    }

    @Test
    @DisplayName("the direction is optional: absent reads as empty")
    void directionIsOptional() {
        StartRules.Result result = rules.check(start("id=d-1&device=001565123456&codec=PCMU"));

        assertThat(result).isInstanceOfSatisfying(StartRules.Valid.class,
                valid -> assertThat(valid.request().direction()).isEmpty());
    }

    @ParameterizedTest(name = "{0} → {2}")
    @CsvSource(delimiter = '|', value = {
            "no id                        | device=001565123456&codec=PCMA             | bad-request       | ''",
            "a blank id                   | id=%20%20&device=001565123456&codec=PCMA   | bad-request       | ''",
            "a device that is no MAC      | id=r-1&device=phone-17&codec=PCMA          | bad-request       | r-1",
            "a MAC one byte short         | id=r-2&device=00:15:65:12:34&codec=PCMA    | bad-request       | r-2",
            "no device                    | id=r-3&codec=PCMA                          | bad-request       | r-3",
            "a codec not accepted (G722)  | id=r-4&device=001565123456&codec=G722      | unsupported-codec | r-4",
            "no phone codec (OPUS)        | id=r-5&device=001565123456&codec=OPUS      | unsupported-codec | r-5",
            "no codec                     | id=r-6&device=001565123456                 | unsupported-codec | r-6",
            "dir=sideways                 | id=r-7&device=001565123456&codec=PCMA&dir=sideways | bad-request | r-7"})
    @DisplayName("an invalid start is refused with a reason token, echoing the stripped id")
    void invalidStartIsRefused(String description, String pairs, String reason, String echoedId) {
        StartRules.Result result = rules.check(start(pairs));

        assertThat(result).isInstanceOfSatisfying(StartRules.Refused.class, refused -> {
            assertThat(refused.reason()).isEqualTo(reason);
            assertThat(refused.phoneId()).isEqualTo(echoedId);
            assertThat(refused.detail()).isNotBlank();
            assertThat(refused.answer()).isEqualTo(Answers.startFailed(echoedId, reason));
        });
    }

    @Test
    @DisplayName("the id is checked first, then the device, then the codec, then the direction")
    void firstBrokenRuleDecides() {
        // everything is wrong: the missing id decides
        assertThat(rules.check(start("device=x&codec=OPUS&dir=up")))
                .isInstanceOfSatisfying(StartRules.Refused.class, r -> assertThat(r.reason()).isEqualTo("bad-request"));
        // a bad device wins over a bad codec
        assertThat(rules.check(start("id=o-1&device=x&codec=OPUS")))
                .isInstanceOfSatisfying(StartRules.Refused.class, r -> assertThat(r.reason()).isEqualTo("bad-request"));
        // a bad codec wins over a bad direction
        assertThat(rules.check(start("id=o-2&device=001565123456&codec=OPUS&dir=up")))
                .isInstanceOfSatisfying(StartRules.Refused.class,
                        r -> assertThat(r.reason()).isEqualTo("unsupported-codec"));
    }

    @ParameterizedTest(name = "codec={0}")
    @ValueSource(strings = {"G722", "G.722", "g722/8000"})
    @DisplayName("a server that accepts G.722 takes its aliases")
    void acceptedCodecsComeFromTheServer(String codec) {
        StartRules wideband = new StartRules(EnumSet.of(AudioCodec.G722));

        assertThat(wideband.check(start("id=w-1&device=001565123456&codec=" + codec)))
                .isInstanceOfSatisfying(StartRules.Valid.class,
                        valid -> assertThat(valid.request().codec()).isEqualTo(AudioCodec.G722));
    }

    private static Command start(String pairs) {
        try {
            return CommandCodec.parse("cmd=RecordStartRequest&" + pairs);
        } catch (CommandSyntaxException e) {
            throw new AssertionError(e);
        }
    }
}
