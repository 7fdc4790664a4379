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
        long msb = (epochMillis & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | ((r[0] & 0x0FL) << 8) | (r[1] & 0xFFL);
        long lsb = 0x8000_0000_0000_0000L | ((r[2] & 0x3FL) << 56);
        for (int i = 3; i < 10; i++) {
            lsb |= (r[i] & 0xFFL) << (8 * (9 - i));
        }
        return new UUID(msb, lsb);
    }

    /** Milliseconds since the epoch encoded in a version-7 id. */
    public static long timestampMillis(String id) {
        return UUID.fromString(id).getMostSignificantBits() >>> 16;
    }
}
