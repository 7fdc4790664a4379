package org.callrec.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import org.callrec.core.audio.AudioCodec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ToneSourceTest {

    private static PhoneConfig phone(AudioCodec codec, String sessionId) {
        return PhoneConfig.builder().codec(codec).sessionId(sessionId).device("0c:38:3e:00:00:01")
                .duration(Duration.ofSeconds(2)).build();
    }

    @ParameterizedTest
    @EnumSource(AudioCodec.class)
    void theReplayIsExactlyWhatAStreamSendsPacketByPacket(AudioCodec codec) {
        PhoneConfig config = phone(codec, "replay");
        int perPacket = config.samplesPerPacket();
        int packets = config.packetCount();

        // A stream's source, one packet at a time, as MediaStream writes them after the header.
        ToneSource source = new ToneSource(codec, config.toneHz(), ToneSource.seedFor(config));
        byte[] sent = new byte[packets * perPacket];
        for (int i = 0; i < packets; i++) {
            source.next(sent, i * perPacket, perPacket);
        }

        // The replay the benchmark checks stored files against makes the same bytes in one go.
        assertThat(ToneSource.payload(config, sent.length)).isEqualTo(sent);
        // … and any prefix of them, for a call that ended early.
        assertThat(ToneSource.payload(config, 7 * perPacket)).isEqualTo(Arrays.copyOf(sent, 7 * perPacket));
    }

    @ParameterizedTest
    @EnumSource(AudioCodec.class)
    void phonesWithTheSameToneSendDifferentAudio(AudioCodec codec) {
        // Same tone, another session id: another noise seed, so merged or swapped packets show.
        byte[] one = ToneSource.payload(phone(codec, "first"), 8000);
        byte[] other = ToneSource.payload(phone(codec, "second"), 8000);

        assertThat(one).isNotEqualTo(other);
    }

    @ParameterizedTest
    @EnumSource(value = AudioCodec.class, names = {"PCMA", "PCMU"})
    void noPacketRepeatsAnother(AudioCodec codec) {
        // The 440 Hz sine repeats every 200 samples (every 5 packets of 160), and the whole table every
        // second; the noise keeps every packet distinct, so a packet stored in the wrong place shows.
        PhoneConfig config = phone(codec, "periodic");
        int perPacket = config.samplesPerPacket();
        byte[] payload = ToneSource.payload(config, config.packetCount() * perPacket);

        Set<String> packets = new HashSet<>();
        for (int i = 0; i < config.packetCount(); i++) {
            packets.add(Arrays.toString(Arrays.copyOfRange(payload, i * perPacket, (i + 1) * perPacket)));
        }
        assertThat(packets).hasSize(config.packetCount());
    }
}
