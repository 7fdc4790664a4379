package org.callrec.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReceivedCompletionTest {

    @Test
    void readsStoragesEventAndMatchesItToThePhone() {
        String json = "{\"type\":\"recording.completed\",\"recordingId\":\"rec-1\",\"tenant\":\"acme\","
                + "\"bucket\":\"recordings\",\"audioKey\":\"a.wav\",\"metadataKey\":\"a.json\",\"phoneSessionId\":\"p-1\","
                + "\"device\":\"0C-38-3E-00-00-01\",\"codec\":\"PCMA\",\"durationSeconds\":1.5,\"stopReason\":\"normal\","
                + "\"startedAt\":\"s\",\"endedAt\":\"e\",\"completedAt\":\"c\",\"source\":\"network\"}";

        ReceivedCompletion r = ReceivedCompletion.from(json, 100, 120);

        assertThat(r.event().recordingId()).isEqualTo("rec-1");
        assertThat(r.event().durationSeconds()).isEqualTo(1.5);
        assertThat(r.publishedAtMillis()).isEqualTo(100);
        assertThat(r.receivedAtMillis()).isEqualTo(120);
        // the MAC is normalised: the phone's own spelling matches
        assertThat(r.phoneKey()).isEqualTo(ReceivedCompletion.phoneKey("p-1", "0c:38:3e:00:00:01"));
    }

    @Test
    void ignoresOtherEventTypesAndRefusesWhatIsNotAnObject() {
        assertThat(ReceivedCompletion.from("{\"type\":\"recording.deleted\",\"recordingId\":\"r\"}", 1, 2)).isNull();
        assertThatThrownBy(() -> ReceivedCompletion.from("[]", 1, 2)).isInstanceOf(IllegalArgumentException.class);
    }
}
