package org.callrec.core.rtp;

/**
 * Wrap-aware arithmetic on RTP sequence numbers (16 bits) and timestamps (32 bits),
 * RFC 3550 Appendix A.1 style: the shorter way round the circle wins.
 */
public final class RtpMath {

    private RtpMath() {
    }

    /** Signed distance {@code a - b} between two 16-bit sequence numbers, in -32768..32767. */
    public static int seqDelta(int a, int b) {
        return (short) (a - b);
    }

    /** Signed distance {@code a - b} between two 32-bit timestamps. */
    public static long tsDelta(long a, long b) {
        return (int) (a - b);
    }

    /**
     * Extends 16-bit sequence numbers to a monotonic 64-bit index relative to the first one
     * seen, taking each new value as the one closest to the highest so far.
     */
    public static final class SequenceUnwrapper {
        private long highest = Long.MIN_VALUE;

        /** The extended index of {@code seq}. */
        public long unwrap(int seq) {
            if (highest == Long.MIN_VALUE) {
                highest = seq & 0xFFFF;
                return highest;
            }
            long ext = highest + seqDelta(seq, (int) (highest & 0xFFFF));
            if (ext > highest) {
                highest = ext;
            }
            return ext;
        }

        /** Forgets the history (a new SSRC starts its own numbering). */
        public void reset() {
            highest = Long.MIN_VALUE;
        }
    }

    /** Extends 32-bit timestamps to 64 bits, like {@link SequenceUnwrapper}. */
    public static final class TimestampUnwrapper {
        private long highest = Long.MIN_VALUE;

        /** The extended value of {@code ts}. */
        public long unwrap(long ts) {
            if (highest == Long.MIN_VALUE) {
                highest = ts & 0xFFFF_FFFFL;
                return highest;
            }
            long ext = highest + tsDelta(ts, highest & 0xFFFF_FFFFL);
            if (ext > highest) {
                highest = ext;
            }
            return ext;
        }

        /** Forgets the history. */
        public void reset() {
            highest = Long.MIN_VALUE;
        }
    }
}
