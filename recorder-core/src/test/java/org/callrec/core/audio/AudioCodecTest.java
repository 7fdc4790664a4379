package org.callrec.core.audio;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code codec=} value of a start request (PROTOCOL.md: PCMA, PCMU, G722 and common aliases). */
class AudioCodecTest {

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            PCMA         | PCMA
            pcma         | PCMA
            alaw         | PCMA
            A-law        | PCMA
            G.711a       | PCMA
            G711A        | PCMA
            G.711 A-law  | PCMA
            g711_alaw    | PCMA
            PCMA/8000    | PCMA
            PCMU         | PCMU
            ulaw         | PCMU
            u-law        | PCMU
            mulaw        | PCMU
            MU-LAW       | PCMU
            G.711u       | PCMU
            G.711 mu-law | PCMU
            G711U        | PCMU
            PCMU/8000    | PCMU
            G722         | G722
            G.722        | G722
            g722/8000    | G722
            G.722/16000  | G722
            """)
    @DisplayName("accepts the names and aliases phones and people write, ignoring case, dots, dashes, underscores, slashes and spaces")
    void aliases(String name, AudioCodec expected) {
        assertThat(AudioCodec.parse(name)).contains(expected);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"G729", "opus", "PCM", "L16", "G.711", "G7221", "  "})
    @DisplayName("rejects codecs the recorder does not handle, and ambiguous names")
    void rejected(String name) {
        assertThat(AudioCodec.parse(name)).isEmpty();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @DisplayName("rejects a missing codec value")
    void missing(String name) {
        assertThat(AudioCodec.parse(name)).isEmpty();
    }

    @Test
    @DisplayName("carries the RFC 3551 static payload types and clocks; G.722 is 16 kHz audio on an 8 kHz RTP clock")
    void rfc3551Parameters() {
        assertThat(AudioCodec.PCMU.payloadType()).isZero();
        assertThat(AudioCodec.PCMA.payloadType()).isEqualTo(8);
        assertThat(AudioCodec.G722.payloadType()).isEqualTo(9);
        assertThat(AudioCodec.values()).allSatisfy(c -> assertThat(c.rtpClockRate()).isEqualTo(8000));
        assertThat(AudioCodec.PCMA.sampleRate()).isEqualTo(8000);
        assertThat(AudioCodec.PCMU.sampleRate()).isEqualTo(8000);
        assertThat(AudioCodec.G722.sampleRate()).isEqualTo(16000);
    }
}
