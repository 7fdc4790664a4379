package org.callrec.core.timeline;

import org.callrec.core.rtp.RtpMath;

/**
 * The sequence-number probation of RFC 3550 appendix A.1, for a stream already under way: a
 * packet whose sequence number lies more than {@link #MAX_DROPOUT} ahead of the highest one (or
 * more than {@link #MAX_MISORDER} behind it) is either a stray packet or the first of a stream that
 * restarted its numbering. It is held as a <em>candidate</em>; the very next sequence number
 * confirms the restart, anything else replaces it (the replaced candidate is dropped by the caller).
 *
 * <p>A forward jump whose timestamp jump matches it is a long outage of a live stream, not a
 * restart ({@link #isLongLoss}): the caller treats it as loss instead. Not thread-safe.
 */
final class SequenceProbation {

    /** RFC 3550 A.1: a forward jump larger than this is not taken as loss without confirmation. */
    static final int MAX_DROPOUT = 3000;
    /** RFC 3550 A.1: a packet this far behind the newest is not taken as merely late. */
    static final int MAX_MISORDER = 100;

    private Arrival candidate;
    private int candidateSeq;

    /** Whether {@code seq} lies too far from the highest sequence number seen to be loss or reordering. */
    static boolean isOutOfRange(int seq, long highestSeq) {
        int d = RtpMath.seqDelta(seq, (int) (highestSeq & 0xFFFF));
        return d > MAX_DROPOUT || d < -MAX_MISORDER;
    }

    /**
     * Whether a forward jump to {@code seq} at timestamp {@code ts} is matched by the timestamps
     * (packets × {@code unitsPerPacket}, give or take two packets) of a stream whose newest packet
     * had {@code highestSeq} and {@code highestTs}: a long outage, not a restart.
     */
    static boolean isLongLoss(int seq, long ts, long highestSeq, long highestTs, int unitsPerPacket) {
        int dSeq = RtpMath.seqDelta(seq, (int) (highestSeq & 0xFFFF));
        if (dSeq <= 0 || unitsPerPacket <= 0 || highestTs == Long.MIN_VALUE) {
            return false;
        }
        long dTs = RtpMath.tsDelta(ts, highestTs & 0xFFFF_FFFFL);
        return Math.abs(dTs - (long) dSeq * unitsPerPacket) <= 2L * unitsPerPacket;
    }

    /** Whether a candidate waits and {@code seq} is the one right after it: the restart is confirmed. */
    boolean confirmedBy(int seq) {
        return candidate != null && seq == ((candidateSeq + 1) & 0xFFFF);
    }

    /** The candidate, handed over and forgotten (after {@link #confirmedBy} said yes). */
    Arrival take() {
        Arrival c = candidate;
        candidate = null;
        return c;
    }

    /**
     * Holds the out-of-range datagram {@code buf[off, off+len)} with sequence number {@code seq}
     * as the candidate (copied).
     *
     * @return whether it replaced an unconfirmed candidate, which is thereby dropped
     */
    boolean hold(long arrivalMicros, byte[] buf, int off, int len, int seq) {
        boolean replaced = candidate != null;
        candidate = Arrival.copyOf(arrivalMicros, buf, off, len);
        candidateSeq = seq;
        return replaced;
    }

    /**
     * Forgets the candidate (the stream ended or switched before confirming it).
     *
     * @return whether there was one, which is thereby dropped
     */
    boolean discard() {
        boolean had = candidate != null;
        candidate = null;
        return had;
    }
}
