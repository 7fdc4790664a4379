package org.callrec.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.callrec.core.audio.AudioCodec;
import org.callrec.core.protocol.Command;
import org.callrec.core.protocol.Terminator;
import org.junit.jupiter.api.Test;

class PhoneConfigTest {

    @Test
    void defaultsAreARealisticPhone() {
        PhoneConfig c = PhoneConfig.defaults();

        assertThat(c.controlHost()).isEqualTo("127.0.0.1");
        assertThat(c.controlPort()).isEqualTo(10000);
        assertThat(c.sessionId()).matches("[0-9a-f]{16}");
        assertThat(c.device()).matches("0c:38:3e:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}");
        assertThat(c.codec()).isEqualTo(AudioCodec.PCMA);
        assertThat(c.packetMillis()).isEqualTo(20);
        assertThat(c.samplesPerPacket()).isEqualTo(160);
        assertThat(c.duration()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.packetCount()).isEqualTo(500);
        assertThat(c.terminator()).isEqualTo(Terminator.NONE);
        assertThat(c.endMode()).isEqualTo(EndMode.STOP);
        assertThat(c.keepPayload()).isTrue();
        assertThat(PhoneConfig.defaults().sessionId()).isNotEqualTo(c.sessionId());
    }

    @Test
    void toBuilderKeepsEveryValue() {
        PhoneConfig c = PhoneConfig.builder().sessionId("s").device("d").extra("k", "v").initialSeq(7)
                .endMode(EndMode.DROP).remoteName("Zoë").build();

        assertThat(c.toBuilder().build()).isEqualTo(c);
        assertThat(c.toBuilder().duration(Duration.ofSeconds(1)).build().extra()).containsEntry("k", "v");
    }

    @Test
    void stopCommandRepeatsNumbersAndNames() {
        PhoneConfig c = PhoneConfig.builder().sessionId("42").stopReason("user-hangup").build();

        Command stop = SimulatedPhone.stopRequest(c);

        assertThat(stop.name()).isEqualTo("RecordStopRequest");
        assertThat(stop.params()).containsOnlyKeys("id", "remote_number", "remote_name", "local_number", "local_name", "reason");
        assertThat(stop.getOr("reason", "")).isEqualTo("user-hangup");
    }

    @Test
    void invalidValuesAreRejected() {
        assertThatThrownBy(() -> PhoneConfig.builder().controlPort(0).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PhoneConfig.builder().initialSeq(65536).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PhoneConfig.builder().duration(Duration.ofSeconds(-1)).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PhoneConfig.builder().sessionId(" ").build()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void durationsParseTheUsualSpellings() {
        assertThat(Durations.parse("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(Durations.parse("50ms")).isEqualTo(Duration.ofMillis(50));
        assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.parse("3")).isEqualTo(Duration.ofSeconds(3));
        assertThat(Durations.parse("PT20S")).isEqualTo(Duration.ofSeconds(20));
        assertThatThrownBy(() -> Durations.parse("soon")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void percentilesAreNearestRank() {
        double[] v = {5, 1, 4, 2, 3, 6, 7, 8, 9, 10};

        assertThat(Percentiles.of(v, 50)).isEqualTo(5);
        assertThat(Percentiles.of(v, 99)).isEqualTo(10);
        assertThat(Percentiles.of(v, 10)).isEqualTo(1);
        assertThat(Percentiles.of(new double[0], 50)).isNaN();
    }
}
