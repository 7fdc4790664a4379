package org.callrec.core.completion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The completion event's wire form, pinned against {@code completion/recording-completed.json}:
 * an event as storage-service published it before the model moved to core. Consumers outside this
 * repository read these names: changing one breaks them.
 */
class CompletionEventTest {

    private static final CompletionEvent EVENT = new CompletionEvent(CompletionEvent.TYPE, "rec-1", "acme", "recordings",
            "acme/2025/03/04/rec-1.wav", "acme/2025/03/04/rec-1.json", "phone-17", "00:15:65:aa:bb:cc", "PCMA", 1.5,
            "normal", "2025-03-04T05:06:07.089Z", "2025-03-04T05:06:08.589Z", "2025-03-04T05:07:01Z", "network", 24044);

    @Test
    @DisplayName("the JSON member names and their order are those of the fixture")
    void fieldNamesArePinned() throws IOException {
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("\"([A-Za-z]+)\":").matcher(fixture());
        while (m.find()) {
            names.add(m.group(1));
        }

        assertThat(names).containsExactly("type", "recordingId", "tenant", "bucket", "audioKey", "metadataKey",
                "phoneSessionId", "device", "codec", "durationSeconds", "stopReason", "startedAt", "endedAt",
                "completedAt", "source", "audioBytes");
        assertThat(CompletionEvent.FIELDS).isEqualTo(names);
    }

    @Test
    @DisplayName("an event is written byte for byte as the fixture, and the fixture reads back as the event")
    void writesAndReadsTheFixture() throws IOException {
        assertThat(EVENT.toJson()).isEqualTo(fixture());
        assertThat(CompletionEvent.fromJson(fixture())).isEqualTo(EVENT);
        assertThat(CompletionEvent.fromJson(fixture()).isCompletion()).isTrue();
    }

    @Test
    @DisplayName("strings are escaped as Jackson escapes them, a null string is null, and all of it reads back")
    void escapesAndNulls() {
        CompletionEvent odd = new CompletionEvent(CompletionEvent.TYPE, "rec-\"2\"", "a\\b", null, "k\n\t\r\b\f",
                "m\u0001\u001f", "é€😀/", "", "PCMU", 0.0, "x", "s", "e", "c", "network");

        String json = odd.toJson();

        assertThat(json).contains("\"recordingId\":\"rec-\\\"2\\\"\"", "\"tenant\":\"a\\\\b\"", "\"bucket\":null",
                "\"audioKey\":\"k\\n\\t\\r\\b\\f\"", "\"metadataKey\":\"m\\u0001\\u001F\"",
                "\"phoneSessionId\":\"é€😀/\"", "\"durationSeconds\":0.0");
        // reading is lenient: the null bucket reads as empty
        CompletionEvent back = CompletionEvent.fromJson(json);
        assertThat(back.bucket()).isEmpty();
        assertThat(back.recordingId()).isEqualTo(odd.recordingId());
        assertThat(back.audioKey()).isEqualTo(odd.audioKey());
        assertThat(back.metadataKey()).isEqualTo(odd.metadataKey());
        assertThat(back.phoneSessionId()).isEqualTo(odd.phoneSessionId());
    }

    @Test
    @DisplayName("a reader ignores unknown and nested members; absent text is empty, absent duration NaN")
    void readsLeniently() {
        CompletionEvent e = CompletionEvent.fromJson(
                " { \"recordingId\" : \"r\", \"extra\": {\"a\": [1, \"}\"]}, \"codec\": 9, \"tenant\": true,"
                        + " \"device\": [\"x\"] } ");

        assertThat(e.type()).isEmpty();
        assertThat(e.isCompletion()).as("no type: taken as a completion").isTrue();
        assertThat(e.recordingId()).isEqualTo("r");
        assertThat(e.codec()).isEqualTo("9");
        assertThat(e.tenant()).isEqualTo("true");
        assertThat(e.device()).isEmpty();
        assertThat(e.bucket()).isEmpty();
        assertThat(e.durationSeconds()).isNaN();
        assertThat(e.audioBytes()).as("absent: unknown").isZero();
        assertThat(CompletionEvent.fromJson("{\"type\":\"recording.deleted\"}").isCompletion()).isFalse();
    }

    @Test
    @DisplayName("audioBytes: a whole number reads as it is (beyond 2^53 too); an event from before it, or odd text, reads as 0")
    void audioBytes() {
        assertThat(CompletionEvent.fromJson("{\"audioBytes\":9007199254740993}").audioBytes())
                .isEqualTo(9_007_199_254_740_993L);
        assertThat(CompletionEvent.fromJson("{\"audioBytes\":\"12\"}").audioBytes()).isZero();
        assertThat(CompletionEvent.fromJson("{\"audioBytes\":1.5}").audioBytes()).isZero();
        CompletionEvent old = new CompletionEvent(CompletionEvent.TYPE, "r", "t", "b", "a", "m", "p", "d", "PCMU", 1.0,
                "s", "x", "y", "z", "network");
        assertThat(old.audioBytes()).isZero();
        assertThat(old.toJson()).endsWith(",\"source\":\"network\",\"audioBytes\":0}");
    }

    @Test
    @DisplayName("text that is not one JSON object is refused")
    void refusesWhatIsNotAnObject() {
        assertThatThrownBy(() -> CompletionEvent.fromJson("not json")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CompletionEvent.fromJson("{\"a\":1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CompletionEvent.fromJson("{} {}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CompletionEvent.fromJson(null)).isInstanceOf(IllegalArgumentException.class);
    }

    private static String fixture() throws IOException {
        try (InputStream in = CompletionEventTest.class.getResourceAsStream("/completion/recording-completed.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }
}
