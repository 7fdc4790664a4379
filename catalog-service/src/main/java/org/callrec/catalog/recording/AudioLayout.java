package org.callrec.catalog.recording;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import org.callrec.core.audio.WavHeader;

/**
 * A recording's audio as one WAV file, whatever the number of its objects: a single segment is
 * its object as stored; several are one header (the first segment's, its sizes made those of the
 * whole) followed by every segment's data chunk in order. Maps a byte range of that file onto
 * the pieces to send: header bytes, and byte ranges of objects.
 */
public final class AudioLayout {

    /** Part of the file: {@code bytes} themselves, or {@code length} bytes of object {@code key} from {@code offset}. */
    public record Piece(byte[] bytes, String key, long offset, long length) {
    }

    private final List<Piece> pieces;
    private final long length;

    private AudioLayout(List<Piece> pieces) {
        this.pieces = List.copyOf(pieces);
        this.length = pieces.stream().mapToLong(Piece::length).sum();
    }

    /** A one-segment recording: the object as it is. */
    public static AudioLayout single(IndexEntry.Segment segment) {
        return new AudioLayout(List.of(new Piece(null, segment.key(), 0, segment.bytes())));
    }

    /**
     * Several segments, each a canonical 44-byte-header WAV (what storage writes).
     *
     * @param firstHeader the first 44 bytes of the first segment
     * @throws IllegalArgumentException when that header is not a canonical WAV header, a segment
     *                                  is shorter than a header, or the whole does not fit a RIFF file
     */
    public static AudioLayout joined(byte[] firstHeader, List<IndexEntry.Segment> segments) {
        if (firstHeader.length != WavHeader.LENGTH || !tag(firstHeader, 0, "RIFF") || !tag(firstHeader, 8, "WAVE")
                || !tag(firstHeader, 12, "fmt ") || !tag(firstHeader, 36, "data")) {
            throw new IllegalArgumentException("the first segment has no canonical WAV header");
        }
        long data = 0;
        List<Piece> pieces = new ArrayList<>();
        pieces.add(null);
        for (IndexEntry.Segment s : segments) {
            if (s.bytes() < WavHeader.LENGTH) {
                throw new IllegalArgumentException("segment " + s.key() + " is shorter than a WAV header");
            }
            long n = s.bytes() - WavHeader.LENGTH;
            data += n;
            pieces.add(new Piece(null, s.key(), WavHeader.LENGTH, n));
        }
        if (data > WavHeader.MAX_DATA_BYTES) {
            throw new IllegalArgumentException("the segments hold more data than one WAV file can");
        }
        byte[] header = firstHeader.clone();
        ByteBuffer b = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(4, (int) (36 + data));
        b.putInt(40, (int) data);
        pieces.set(0, new Piece(header, null, 0, header.length));
        return new AudioLayout(pieces);
    }

    private static boolean tag(byte[] h, int at, String t) {
        for (int i = 0; i < 4; i++) {
            if (h[at + i] != t.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Length of the whole file. */
    public long length() {
        return length;
    }

    /** The pieces holding bytes {@code first..last} (inclusive) of the file, in order. */
    public List<Piece> slice(long first, long last) {
        List<Piece> out = new ArrayList<>();
        long at = 0;
        for (Piece p : pieces) {
            long start = at;
            long end = at + p.length() - 1;
            at += p.length();
            if (p.length() == 0 || end < first || start > last) {
                continue;
            }
            long from = Math.max(first, start) - start;
            long to = Math.min(last, end) - start;
            long n = to - from + 1;
            if (p.bytes() != null) {
                byte[] part = new byte[(int) n];
                System.arraycopy(p.bytes(), (int) from, part, 0, (int) n);
                out.add(new Piece(part, null, 0, n));
            } else {
                out.add(new Piece(null, p.key(), p.offset() + from, n));
            }
        }
        return out;
    }
}
