package org.callrec.catalog.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.callrec.core.audio.WavFile;
import org.callrec.core.audio.WavHeader;
import org.junit.jupiter.api.Test;

/**
 * A recording of several WAV objects served as one file: every slice of the joined file holds
 * exactly the bytes of a file built by concatenating the segments' samples under one header,
 * which core's WavFile reads back as one recording.
 */
class AudioLayoutTest {

    private static byte[] wav(int samples, int seed) {
        byte[] w = new byte[WavHeader.LENGTH + samples];
        System.arraycopy(WavHeader.build(WavHeader.FORMAT_ALAW, 1, 8000, 8, samples), 0, w, 0, WavHeader.LENGTH);
        byte[] data = new byte[samples];
        new Random(seed).nextBytes(data);
        System.arraycopy(data, 0, w, WavHeader.LENGTH, samples);
        return w;
    }

    /** The bytes a slice stands for, reading objects from {@code objects}. */
    private static byte[] read(List<AudioLayout.Piece> pieces, Map<String, byte[]> objects) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (AudioLayout.Piece p : pieces) {
            if (p.bytes() != null) {
                out.writeBytes(p.bytes());
            } else {
                out.write(objects.get(p.key()), (int) p.offset(), (int) p.length());
            }
        }
        return out.toByteArray();
    }

    @Test
    void everySliceOfAJoinedRecordingIsTheSliceOfTheConcatenatedFile() {
        Map<String, byte[]> objects = Map.of("a", wav(1000, 1), "b", wav(333, 2), "c", wav(1, 3));
        List<IndexEntry.Segment> segs = List.of(new IndexEntry.Segment("a", 1044), new IndexEntry.Segment("b", 377),
                new IndexEntry.Segment("c", 45));
        AudioLayout layout = AudioLayout.joined(Arrays.copyOf(objects.get("a"), 44), segs);

        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(WavHeader.build(WavHeader.FORMAT_ALAW, 1, 8000, 8, 1334));
        for (String k : List.of("a", "b", "c")) {
            expected.write(objects.get(k), 44, objects.get(k).length - 44);
        }
        byte[] whole = expected.toByteArray();
        assertThat(layout.length()).isEqualTo(whole.length);
        assertThat(WavFile.parse(read(layout.slice(0, whole.length - 1), objects)).data()).hasSize(1334);
        Random r = new Random(7);
        for (int i = 0; i < 2000; i++) {
            int first = r.nextInt(whole.length);
            int last = first + r.nextInt(whole.length - first);
            assertThat(read(layout.slice(first, last), objects)).as(first + "-" + last)
                    .isEqualTo(Arrays.copyOfRange(whole, first, last + 1));
        }
    }

    @Test
    void aSingleSegmentIsItsObjectAsStored() {
        AudioLayout layout = AudioLayout.single(new IndexEntry.Segment("only", 500));
        assertThat(layout.length()).isEqualTo(500);
        assertThat(layout.slice(10, 19)).containsExactly(new AudioLayout.Piece(null, "only", 10, 10));
    }

    @Test
    void segmentsWithoutACanonicalHeaderAreRefused() {
        List<IndexEntry.Segment> segs = List.of(new IndexEntry.Segment("a", 100), new IndexEntry.Segment("b", 10));
        assertThatThrownBy(() -> AudioLayout.joined(new byte[44], segs)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AudioLayout.joined(Arrays.copyOf(wav(10, 1), 44), segs))
                .hasMessageContaining("shorter than a WAV header");
    }
}
