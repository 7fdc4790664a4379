package org.callrec.storage.assemble;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.callrec.core.audio.WavFile;
import org.callrec.core.audio.WavHeader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rolling a recording's audio over into segment files. */
class SegmentedOutputTest {

    @TempDir
    Path dir;

    private final AtomicInteger n = new AtomicInteger();

    private Path next() {
        return dir.resolve("seg-" + n.incrementAndGet() + ".pcm");
    }

    @Test
    @DisplayName("bytes go to one file until it holds the limit, then on to the next; nothing is lost or repeated; each file is a WAV file of its own bytes")
    void rollsOverAtTheLimit() throws IOException {
        SegmentedOutput out = new SegmentedOutput(this::next, 10, WavFormat.ALAW);
        byte[] all = new byte[25];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        // written in odd-sized pieces that straddle the limits
        out.write(all, 0, 7);
        out.write(all, 7, 13);
        out.write(all[20]);
        out.write(all, 21, 4);
        out.close();

        assertThat(out.segments()).extracting(SegmentedOutput.Segment::bytes).containsExactly(10L, 10L, 5L);
        assertThat(out.segments()).extracting(SegmentedOutput.Segment::startBytes).containsExactly(0L, 10L, 20L);
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (SegmentedOutput.Segment s : out.segments()) {
            assertThat(Files.size(s.file())).isEqualTo(s.fileBytes()).isEqualTo(WavHeader.LENGTH + s.bytes());
            WavFile wav = WavFile.parse(Files.readAllBytes(s.file()));
            assertThat(wav.formatTag()).isEqualTo(WavHeader.FORMAT_ALAW);
            assertThat(wav.sampleRate()).isEqualTo(8000);
            assertThat((long) wav.data().length).isEqualTo(s.bytes());
            joined.write(wav.data());
        }
        assertThat(joined.toByteArray()).isEqualTo(all);
    }

    @Test
    @DisplayName("exactly the limit makes one file, not a second empty one; no audio at all still makes one empty file")
    void noEmptyTrailingSegment() throws IOException {
        SegmentedOutput full = new SegmentedOutput(this::next, 4, WavFormat.pcm16(8000));
        full.write(new byte[4], 0, 4);
        full.close();
        assertThat(full.segments()).hasSize(1);

        SegmentedOutput empty = new SegmentedOutput(this::next, 4, WavFormat.pcm16(8000));
        empty.close();
        assertThat(empty.segments()).singleElement().satisfies(s -> {
            assertThat(s.bytes()).isZero();
            assertThat(WavFile.parse(Files.readAllBytes(s.file())).data()).isEmpty();
        });
    }

    @Test
    @DisplayName("the segment limit is the configured duration in whole sample frames")
    void limitFromDuration() {
        assertThat(SegmentedOutput.segmentBytes(WavFormat.pcm16(8000), Duration.ofMinutes(30), WavHeader.MAX_DATA_BYTES))
                .isEqualTo(30L * 60 * 8000 * 2);
        assertThat(SegmentedOutput.segmentBytes(WavFormat.ALAW, Duration.ofMillis(1500), WavHeader.MAX_DATA_BYTES))
                .isEqualTo(12_000);
        assertThat(SegmentedOutput.segmentBytes(WavFormat.pcm16(16000), Duration.ofMillis(1), WavHeader.MAX_DATA_BYTES))
                .isEqualTo(32);
    }

    @Test
    @DisplayName("no file may pass the RIFF limit: without a duration, or with a longer one, the limit (in whole frames) applies")
    void riffGuard() {
        long riff = WavHeader.MAX_DATA_BYTES;
        assertThat(SegmentedOutput.segmentBytes(WavFormat.pcm16(8000), Duration.ZERO, riff)).isEqualTo(riff / 2 * 2);
        assertThat(SegmentedOutput.segmentBytes(WavFormat.pcm16(8000), Duration.ofDays(30), riff)).isEqualTo(riff / 2 * 2);
        assertThat(SegmentedOutput.segmentBytes(WavFormat.ALAW, Duration.ZERO, riff)).isEqualTo(riff);
        // and the header can describe a file of that size
        assertThat(WavHeader.pcm16Mono(8000, riff / 2 * 2)).hasSize(WavHeader.LENGTH);
        // an injected odd limit still keeps whole 16-bit samples
        assertThat(SegmentedOutput.segmentBytes(WavFormat.pcm16(8000), Duration.ZERO, 1001)).isEqualTo(1000);
    }
}
