package org.callrec.core.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.callrec.core.audio.AudioCodec;
import org.callrec.core.registry.StoragePlacement;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** START and END records of the media topic and the preamble every record starts with. */
class ChunkCodecTest {

    private static RecordingStarted start() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("remote_name", "Zo\u00eb M\u00fcller");
        fields.put("local_name", "\u738b\u4f1f \uD83D\uDCDE");
        fields.put("remote_number", "+33 1 23 45 67 89");
        fields.put("x-unknown", "");
        return new RecordingStarted("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "acme", "1234567", "00:15:65:aa:bb:cc",
                AudioCodec.G722, "in", "2001:db8::7", "ingest-2", 40002, 1_718_000_000_123L, fields);
    }

    private static RecordingEnded end() {
        return new RecordingEnded("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "socket-error", 1_718_000_360_456L, 18_000L,
                Map.of("stale-ssrc", 3L, "wrong-source", 12L, "huge", 5_000_000_000L), 37L,
                Map.of("remote_name", "Ren\u00e9e", "reason", "a&b=c"));
    }

    @Test
    @DisplayName("a START record round-trips every field, UTF-8 metadata included")
    void startRoundTrip() {
        RecordingStarted original = start();

        byte[] value = ChunkCodec.encodeStart(original);

        assertThat(ChunkCodec.typeOf(value)).isEqualTo(RecordType.START);
        assertThat(ChunkCodec.decodeStart(value)).isEqualTo(original);
    }

    @Test
    @DisplayName("a START record carries its tenant's placement and duration limit, fixed at the start")
    void startCarriesPlacement() {
        RecordingStarted s = start();
        RecordingStarted placed = new RecordingStarted(s.recordingId(), s.tenant(), s.phoneSessionId(), s.device(),
                s.codec(), s.direction(), s.phoneAddress(), s.ingestNode(), s.mediaPort(), s.startedAtMillis(),
                s.fields(), new StoragePlacement("acme-recordings", "eu/acme", "arn:aws:kms:eu-west-1:1:key/k"), 600_000L);

        RecordingStarted decoded = ChunkCodec.decodeStart(ChunkCodec.encodeStart(placed));

        assertThat(decoded).isEqualTo(placed);
        assertThat(ChunkCodec.decodeStart(ChunkCodec.encodeStart(s)).placement()).isEqualTo(StoragePlacement.DEFAULT);
        assertThat(ChunkCodec.decodeStart(ChunkCodec.encodeStart(s)).maxDurationMillis()).isZero();
    }

    @Test
    @DisplayName("an ALIVE record round-trips recording, node and time, and is typed ALIVE")
    void aliveRoundTrip() {
        RecordingAlive alive = new RecordingAlive("rec-1", "ingest-2", 1_700_000_000_123L);
        byte[] value = ChunkCodec.encodeAlive(alive);
        assertThat(ChunkCodec.typeOf(value)).isEqualTo(RecordType.ALIVE);
        assertThat(ChunkCodec.decodeAlive(value)).isEqualTo(alive);
    }

    @Test
    @DisplayName("an END record round-trips reason, counts and drop counters (beyond 2^32 too)")
    void endRoundTrip() {
        RecordingEnded original = end();

        byte[] value = ChunkCodec.encodeEnd(original);

        assertThat(ChunkCodec.typeOf(value)).isEqualTo(RecordType.END);
        RecordingEnded back = ChunkCodec.decodeEnd(value);
        assertThat(back).isEqualTo(original);
        assertThat(back.droppedByReason()).containsEntry("huge", 5_000_000_000L);
    }

    @Test
    @DisplayName("an END record round-trips the ingest node's timing: stop handled, first and last packet, packets after the stop, tail drained")
    void endTimingRoundTrip() {
        RecordingEnded original = new RecordingEnded("r", "max-duration", 1_718_000_360_456L, 3_000L, Map.of(), 4L,
                Map.of(), 1_718_000_360_100L, 1_718_000_000_200L, 1_718_000_360_300L, 12L, false);

        RecordingEnded back = ChunkCodec.decodeEnd(ChunkCodec.encodeEnd(original));

        assertThat(back).isEqualTo(original);
        assertThat(back.tailDrained()).isFalse();
    }

    @Test
    @DisplayName("an END record written before the timing fields existed reads as unknown times, 0 after the stop and a drained tail")
    void endWithoutTiming() {
        // the map layout of an END record as older nodes wrote it: no timing keys
        Map<String, String> old = new LinkedHashMap<>();
        old.put("recordingId", "r");
        old.put("reason", "hangup");
        old.put("endedAt", "5");
        old.put("packetsAccepted", "7");
        old.put("chunks", "1");
        old.put("d.malformed", "2");

        RecordingEnded back = RecordingEnded.fromMap(old);

        assertThat(back).isEqualTo(new RecordingEnded("r", "hangup", 5L, 7L, Map.of("malformed", 2L), 1L, Map.of()));
        assertThat(back.stopHandledAtMillis()).isZero();
        assertThat(back.firstPacketAtMillis()).isZero();
        assertThat(back.packetsAfterStop()).isZero();
        assertThat(back.tailDrained()).isTrue();
    }

    @Test
    @DisplayName("an END with no drops and no fields round-trips to empty maps")
    void endWithEmptyMaps() {
        RecordingEnded original = new RecordingEnded("r", "hangup", 1L, 0L, Map.of(), 0L, Map.of());

        assertThat(ChunkCodec.decodeEnd(ChunkCodec.encodeEnd(original))).isEqualTo(original);
    }

    @Test
    @DisplayName("every record starts with 'C' 'R', format version 1 and the type code")
    void preamble() {
        assertThat(Arrays.copyOf(ChunkCodec.encodeStart(start()), 4)).containsExactly('C', 'R', 1, 1);
        assertThat(Arrays.copyOf(ChunkCodec.encodeEnd(end()), 4)).containsExactly('C', 'R', 1, 3);
    }

    @Test
    @DisplayName("the body is a big-endian count, then length-prefixed UTF-8 keys and values")
    void documentedMapLayout() {
        ByteBuffer b = ByteBuffer.wrap(ChunkCodec.encodeStart(start()));
        b.position(4);
        int count = b.getInt();
        Map<String, String> read = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            byte[] k = new byte[b.getInt()];
            b.get(k);
            byte[] v = new byte[b.getInt()];
            b.get(v);
            read.put(new String(k, StandardCharsets.UTF_8), new String(v, StandardCharsets.UTF_8));
        }

        assertThat(b.hasRemaining()).isFalse();
        assertThat(read).containsEntry("recordingId", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b")
                .containsEntry("codec", "G722")
                .containsEntry("f.remote_name", "Zo\u00eb M\u00fcller");
    }

    @Test
    @DisplayName("readers ignore keys they do not know (fields can be added without a version bump)")
    void unknownKeysIgnored() {
        byte[] value = ChunkCodec.encodeEnd(end());
        // append one more entry by hand and bump the count
        byte[] extraKey = "addedInAFutureVersion".getBytes(StandardCharsets.UTF_8);
        byte[] extraValue = "whatever".getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(value.length + 8 + extraKey.length + extraValue.length);
        b.put(value).putInt(extraKey.length).put(extraKey).putInt(extraValue.length).put(extraValue);
        byte[] extended = b.array();
        ByteBuffer.wrap(extended).putInt(4, ByteBuffer.wrap(value).getInt(4) + 1);

        assertThat(ChunkCodec.decodeEnd(extended)).isEqualTo(end());
    }

    @Test
    @DisplayName("typeOf rejects a value without the 'CR' magic, a short value and null")
    void badMagic() {
        byte[] value = ChunkCodec.encodeEnd(end());
        value[1] = 'X';

        assertThatThrownBy(() -> ChunkCodec.typeOf(value)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChunkCodec.typeOf(new byte[] {'C', 'R', 1})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChunkCodec.typeOf(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("typeOf rejects a format version other than 1")
    void badVersion() {
        byte[] value = ChunkCodec.encodeEnd(end());
        value[2] = 2;

        assertThatThrownBy(() -> ChunkCodec.typeOf(value)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version");
    }

    @Test
    @DisplayName("typeOf rejects an unknown record type")
    void unknownType() {
        assertThatThrownBy(() -> ChunkCodec.typeOf(new byte[] {'C', 'R', 1, 9})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("decoding a record as the wrong type is refused")
    void wrongType() {
        assertThatThrownBy(() -> ChunkCodec.decodeStart(ChunkCodec.encodeEnd(end()))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChunkCodec.decodeEnd(ChunkCodec.encodeStart(start()))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("a truncated record is refused with IllegalArgumentException, never another runtime exception")
    void truncated() {
        byte[] value = ChunkCodec.encodeStart(start());
        for (int cut : new int[] {4, 6, 8, 12, value.length / 2, value.length - 1}) {
            byte[] shorter = Arrays.copyOf(value, cut);
            assertThatThrownBy(() -> ChunkCodec.decodeStart(shorter)).as("cut at %d", cut)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    @DisplayName("a well-formed record that lacks a required key is refused with IllegalArgumentException")
    void missingRequiredKey() {
        // preamble of a START, then a map with zero entries
        byte[] emptyStart = {'C', 'R', 1, 1, 0, 0, 0, 0};
        byte[] emptyEnd = {'C', 'R', 1, 3, 0, 0, 0, 0};

        assertThatThrownBy(() -> ChunkCodec.decodeStart(emptyStart)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChunkCodec.decodeEnd(emptyEnd)).isInstanceOf(IllegalArgumentException.class);
    }
}
