package org.callrec.core.chunk;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Binary format of the records on the media topic. Every value starts with a 4-byte preamble:
 *
 * <pre>
 *  byte 0-1  magic 'C' 'R'
 *  byte 2    format version (1)
 *  byte 3    record type (1 START, 2 MEDIA, 3 END, 4 ALIVE)
 * </pre>
 *
 * START, END and ALIVE bodies are a string map: {@code int32 count}, then per entry
 * {@code int32 keyLength, key UTF-8, int32 valueLength, value UTF-8} (big-endian). Readers
 * ignore keys they do not know, so fields can be added without a version bump. The MEDIA body
 * is described in {@link MediaChunkBuilder}.
 */
public final class ChunkCodec {

    static final byte MAGIC_0 = 'C';
    static final byte MAGIC_1 = 'R';
    static final byte VERSION = 1;
    static final int PREAMBLE = 4;

    private ChunkCodec() {
    }

    /** The type of a record value, checking magic and version. */
    public static RecordType typeOf(byte[] value) {
        if (value == null || value.length < PREAMBLE || value[0] != MAGIC_0 || value[1] != MAGIC_1) {
            throw new IllegalArgumentException("not a callrec media-topic record");
        }
        if (value[2] != VERSION) {
            throw new IllegalArgumentException("unsupported record format version " + value[2]);
        }
        return RecordType.of(value[3]);
    }

    public static byte[] encodeStart(RecordingStarted start) {
        return encodeMap(RecordType.START, start.toMap());
    }

    public static RecordingStarted decodeStart(byte[] value) {
        expect(value, RecordType.START);
        Map<String, String> map = decodeMap(value);
        try {
            return RecordingStarted.fromMap(map);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("START record lacks a field or holds a bad one: " + e, e);
        }
    }

    public static byte[] encodeEnd(RecordingEnded end) {
        return encodeMap(RecordType.END, end.toMap());
    }

    public static RecordingEnded decodeEnd(byte[] value) {
        expect(value, RecordType.END);
        Map<String, String> map = decodeMap(value);
        try {
            return RecordingEnded.fromMap(map);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("END record lacks a field or holds a bad one: " + e, e);
        }
    }

    public static byte[] encodeAlive(RecordingAlive alive) {
        return encodeMap(RecordType.ALIVE, alive.toMap());
    }

    public static RecordingAlive decodeAlive(byte[] value) {
        expect(value, RecordType.ALIVE);
        Map<String, String> map = decodeMap(value);
        try {
            return RecordingAlive.fromMap(map);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("ALIVE record lacks a field or holds a bad one: " + e, e);
        }
    }

    static void writePreamble(byte[] b, RecordType type) {
        b[0] = MAGIC_0;
        b[1] = MAGIC_1;
        b[2] = VERSION;
        b[3] = (byte) type.code();
    }

    static void expect(byte[] value, RecordType type) {
        RecordType actual = typeOf(value);
        if (actual != type) {
            throw new IllegalArgumentException("expected a " + type + " record, got " + actual);
        }
    }

    private static byte[] encodeMap(RecordType type, Map<String, String> map) {
        int size = PREAMBLE + 4;
        byte[][] parts = new byte[map.size() * 2][];
        int i = 0;
        for (Map.Entry<String, String> e : map.entrySet()) {
            parts[i] = e.getKey().getBytes(StandardCharsets.UTF_8);
            parts[i + 1] = (e.getValue() == null ? "" : e.getValue()).getBytes(StandardCharsets.UTF_8);
            size += 8 + parts[i].length + parts[i + 1].length;
            i += 2;
        }
        byte[] out = new byte[size];
        writePreamble(out, type);
        ByteBuffer b = ByteBuffer.wrap(out, PREAMBLE, size - PREAMBLE);
        b.putInt(map.size());
        for (byte[] part : parts) {
            b.putInt(part.length).put(part);
        }
        return out;
    }

    private static Map<String, String> decodeMap(byte[] value) {
        try {
            ByteBuffer b = ByteBuffer.wrap(value, PREAMBLE, value.length - PREAMBLE);
            int n = b.getInt();
            Map<String, String> map = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                String k = readString(b);
                map.put(k, readString(b));
            }
            return map;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("truncated or corrupt record", e);
        }
    }

    private static String readString(ByteBuffer b) {
        int len = b.getInt();
        String s = new String(b.array(), b.position(), len, StandardCharsets.UTF_8);
        b.position(b.position() + len);
        return s;
    }
}
