package org.callrec.storage.assemble;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.callrec.core.audio.AudioCodec;
import org.callrec.core.audio.WavFile;
import org.callrec.core.chunk.ChunkCodec;
import org.callrec.core.chunk.RecordingEnded;
import org.callrec.core.chunk.RecordingStarted;
import org.callrec.core.timeline.GapHandling;
import org.callrec.storage.RecordFixtures;
import org.callrec.storage.RecordFixtures.Datagram;
import org.callrec.testing.rtp.RtpPackets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** From MEDIA records to spill files, in each output format, in segments. */
class RecordingAssemblyTest {

    private static final int PACKET = RecordFixtures.SAMPLES_PER_PACKET;
    private static final long T0 = 1_750_000_000_000_000L;

    @TempDir
    Path dir;

    private final AtomicInteger n = new AtomicInteger();

    private AssembledRecording assemble(AudioCodec codec, AssemblyOptions options, int[] order, long tsOffsetAfter,
                                        int offsetFrom) throws IOException {
        RecordingStarted start = ChunkCodec.decodeStart(RecordFixtures.start("rec-1", "acme", codec, T0 / 1000, Map.of()));
        RecordingAssembly a = RecordingAssembly.open(start, () -> dir.resolve("rec-1-" + n.incrementAndGet() + ".pcm"),
                options);
        List<Datagram> sent = new ArrayList<>();
        for (int i = 0; i < order.length; i++) {
            int k = order[i];
            long ts = 1000L + (long) k * PACKET + (k >= offsetFrom ? tsOffsetAfter : 0);
            // a pause in the timestamps is a pause in arrival time too (8 kHz RTP clock: 125 µs a unit)
            sent.add(new Datagram(T0 + 20_000L * i + (k >= offsetFrom ? tsOffsetAfter * 125 : 0),
                    RtpPackets.rtp(codec.payloadType(), 100 + k, ts, 0x42, RecordFixtures.tonePayload(codec, k))));
        }
        for (byte[] chunk : RecordFixtures.chunks(sent, 5)) {
            a.media(chunk);
        }
        return a.finish(new RecordingEnded("rec-1", "normal", T0 / 1000 + 1000, order.length, Map.of(), 1, Map.of()));
    }

    private static byte[] joined(AssembledRecording rec) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (SegmentedOutput.Segment s : rec.segments()) {
            all.write(WavFile.parse(Files.readAllBytes(s.file())).data());
        }
        return all.toByteArray();
    }

    @Test
    @DisplayName("g711 output: the data bytes are the wire payloads in order, byte for byte, and a lost packet is the codec's silence byte")
    void g711ByteExact() throws IOException {
        for (AudioCodec codec : List.of(AudioCodec.PCMA, AudioCodec.PCMU)) {
            // packet 3 lost, 5 and 6 swapped
            AssembledRecording rec = assemble(codec, AssemblyOptions.defaults().withFormat(OutputFormat.G711),
                    new int[] {0, 1, 2, 4, 6, 5, 7}, 0, Integer.MAX_VALUE);

            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            for (int k = 0; k <= 7; k++) {
                if (k == 3) {
                    byte[] silence = new byte[PACKET];
                    java.util.Arrays.fill(silence, codec == AudioCodec.PCMA ? (byte) 0xD5 : (byte) 0xFF);
                    expected.write(silence);
                } else {
                    expected.write(RecordFixtures.tonePayload(codec, k));
                }
            }
            assertThat(rec.format()).isEqualTo(codec == AudioCodec.PCMA ? WavFormat.ALAW : WavFormat.MULAW);
            assertThat(joined(rec)).as(codec.name()).isEqualTo(expected.toByteArray());
        }
    }

    @Test
    @DisplayName("pcm16 output (the default) decodes each byte to one 16-bit sample")
    void pcm16() throws IOException {
        AssembledRecording rec = assemble(AudioCodec.PCMU, AssemblyOptions.defaults(), new int[] {0, 1}, 0, 99);

        assertThat(rec.format()).isEqualTo(WavFormat.pcm16(8000));
        assertThat(rec.dataBytes()).isEqualTo(2L * 2 * PACKET);
    }

    @Test
    @DisplayName("a recording longer than the segment duration goes on in further segments, cut at whole samples")
    void segmentsByDuration() throws IOException {
        // 50 packets = 1 s; segments of 300 ms
        int[] order = java.util.stream.IntStream.range(0, 50).toArray();
        AssembledRecording rec = assemble(AudioCodec.PCMA,
                AssemblyOptions.defaults().withSegments(Duration.ofMillis(300), 1L << 40), order, 0, 99);

        assertThat(rec.segments()).extracting(SegmentedOutput.Segment::bytes)
                .containsExactly(4800L, 4800L, 4800L, 1600L);
        byte[] pcm = joined(rec);
        assertThat(pcm).hasSize(2 * 50 * PACKET);
    }

    @Test
    @DisplayName("the RIFF guard cuts a file at the (injected, small) limit even when no segment duration is set")
    void riffGuard() throws IOException {
        int[] order = java.util.stream.IntStream.range(0, 20).toArray();
        AssembledRecording whole = assemble(AudioCodec.PCMA, AssemblyOptions.defaults(), order, 0, 99);
        AssembledRecording guarded = assemble(AudioCodec.PCMA,
                AssemblyOptions.defaults().withSegments(Duration.ZERO, 1001), order, 0, 99);

        assertThat(guarded.segments()).allSatisfy(s -> assertThat(s.bytes()).isLessThanOrEqualTo(1000));
        assertThat(guarded.segments()).hasSize(7); // 6400 bytes of PCM in files of at most 1000
        assertThat(joined(guarded)).isEqualTo(joined(whole));
    }

    @Test
    @DisplayName("gap policy from the options: a 10 s pause is kept under collapse (5 min limit), cut under skip")
    void gapPolicies() throws IOException {
        int[] order = java.util.stream.IntStream.range(0, 10).toArray();
        long pause = 10 * 8000;
        AssembledRecording kept = assemble(AudioCodec.PCMA, AssemblyOptions.defaults(), order, pause, 5);
        AssembledRecording cut = assemble(AudioCodec.PCMA,
                AssemblyOptions.defaults().withGaps(GapHandling.Policy.SKIP, Duration.ofMinutes(5)), order, pause, 5);

        assertThat(kept.dataBytes()).isEqualTo(2 * (10L * PACKET + pause));
        assertThat(cut.dataBytes()).isEqualTo(2 * 10L * PACKET);
        assertThat(cut.stats().gaps()).hasSize(1);
    }
}
