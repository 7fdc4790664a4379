package org.callrec.core.id;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Server-side recording ids: UUID version 7 (RFC 9562) — 48 bits of Unix milliseconds, then
 * random bits — so ids sort by creation time and never collide across nodes.
 */
public final class RecordingIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private RecordingIds() {
    }

    /** A new id, as its canonical 36-character string. */
    public static String next() {
        return next(System.currentTimeMillis()).toString();
    }

    static UUID next(long epochMillis) {
        byte[] r = new byte[10];
        RANDOM.nextBytes(r);
        return fromBits(epochMillis, r);
    }

    private static UUID fromBits(long epochMillis, byte[] r) {
        long msb = (epochMillis & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | ((r[0] & 0x0FL) << 8) | (r[1] & 0xFFL);
        long lsb = 0x8000_0000_0000_0000L | ((r[2] & 0x3FL) << 56);
        for (int i = 3; i < 10; i++) {
            lsb |= (r[i] & 0xFFL) << (8 * (9 - i));
        }
        return new UUID(msb, lsb);
    }

    /**
     * A version-7 id whose 74 "random" bits are taken from {@code digest} (at least 10 bytes, e.g.
     * a SHA-256 of what identifies the recording): the same input always gives the same id, so
     * importing the same file twice stores it under the same keys. Still time-ordered by
     * {@code epochMillis}.
     */
    public static String derived(long epochMillis, byte[] digest) {
        if (digest.length < 10) {
            throw new IllegalArgumentException("digest shorter than 10 bytes");
        }
        return fromBits(epochMillis, digest).toString();
    }

    /**
     * Whether {@code id} is a version-7 UUID (RFC 9562 variant) in its canonical form: 36
     * lower-case characters, as {@link #next()} writes them. Never throws.
     */
    public static boolean isVersion7(String id) {
        if (id == null || id.length() != 36) {
            return false;
        }
        try {
            UUID u = UUID.fromString(id);
            return u.version() == 7 && u.variant() == 2 && u.toString().equals(id);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Milliseconds since the epoch encoded in a version-7 id. */
    public static long timestampMillis(String id) {
        return UUID.fromString(id).getMostSignificantBits() >>> 16;
    }
}
