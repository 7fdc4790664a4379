package org.callrec.core.timeline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.TreeMap;

import org.callrec.core.rtp.RtpHeader;
import org.callrec.core.rtp.RtpMath;

/**
 * Turns the datagrams of one recording, in arrival order, into a gap-free timeline that follows
 * the RTP timestamps:
 * <ul>
 *   <li>packets are held in a reorder buffer keyed by (wrap-aware) extended sequence number and
 *       released once the buffer spans more than the reorder window, so late packets within
 *       the window go back in place;</li>
 *   <li>a packet whose place was already written is counted late and dropped; a second copy of
 *       a held or written packet is counted duplicated and dropped;</li>
 *   <li>a hole between two packets' timestamps becomes silence of that length, so audio after a
 *       loss stays where it belongs; a hole longer than {@code maxGapUnits} (an absurd jump or a
 *       very long pause) is collapsed and reported instead;</li>
 *   <li>an SSRC change flushes the old stream and continues the timeline where it stopped;</li>
 *   <li>packets of another payload type (DTMF events, comfort noise) never reach the audio.</li>
 * </ul>
 * Output goes to a {@link Sink} in RTP timestamp units; for PCMA, PCMU and G.722 one payload byte
 * is one unit. Not thread-safe.
 */
public final class TimelineAssembler {

    /** Receives the timeline in order. */
    public interface Sink {
        /** Payload bytes {@code buf[off, off+len)}, valid only during the call. */
        void audio(byte[] buf, int off, int len);

        /** {@code units} RTP timestamp units of silence. */
        void silence(long units);

        /**
         * The audio that follows comes from a new RTP stream (an SSRC change, or the numbering
         * restarting under the same SSRC): a stateful decoder (G.722) starts over. Not called
         * for loss or gaps inside one stream.
         */
        default void newStream() {
        }
    }

    private record Held(long extTs, long ssrc, byte[] payload) {
    }

    private static final int SEEN_RING = 2048;
    /** RFC 3550 A.1: a forward jump larger than this is not taken as loss without confirmation. */
    private static final int MAX_DROPOUT = 3000;
    /** RFC 3550 A.1: a packet this far behind the newest is not taken as merely late. */
    private static final int MAX_MISORDER = 100;
    /** Most packets held for reordering, whatever their timestamps say. */
    static final int MAX_HELD = 1000;

    private final int payloadType;
    private final long reorderWindowUnits;
    private final long maxGapUnits;
    private final int clockRate;
    private final Sink sink;

    private final TreeMap<Long, Held> buffer = new TreeMap<>();
    private final Set<Long> previousSsrcs = new HashSet<>();
    private final long[] seen = new long[SEEN_RING];
    private final RtpMath.SequenceUnwrapper seqs = new RtpMath.SequenceUnwrapper();
    private final RtpMath.TimestampUnwrapper stamps = new RtpMath.TimestampUnwrapper();

    private long ssrc = -1;
    private long base;            // extTs that maps to timeline position 0 for the current SSRC
    private long cursor;          // units written so far
    private boolean started;
    private boolean baseSet;
    private long lastEmittedSeq = Long.MIN_VALUE;
    private long firstSeq;
    private long highestSeq;
    private long highestTs = Long.MIN_VALUE;
    private long expectedBefore;  // expected packets of earlier SSRCs / stream restarts
    private long otherPayloadInRange; // non-audio packets inside the current stream's sequence range
    private int restarts;
    private int timestampResets;
    private byte[] probe;         // first packet after a sequence jump, awaiting confirmation
    private int probeSeq;
    private long probeArrivalMicros;
    private long jitterOrigin = Long.MIN_VALUE;
    private int unitsPerPacket;   // payload length of the latest audio packet (1 byte = 1 unit)

    private long received;
    private long placed;
    private long duplicated;
    private long late;
    private int ssrcChanges;
    private final Map<String, Long> dropped = new LinkedHashMap<>();
    private final List<TimelineStats.Gap> gaps = new ArrayList<>();

    private double jitterUnits;
    private double maxJitterUnits;
    private long lastTransit = Long.MIN_VALUE;

    /**
     * @param payloadType        the recording's codec payload type; others are dropped
     * @param clockRate          RTP clock of the codec (for jitter in milliseconds)
     * @param reorderWindowUnits how far (in timestamp units) a late packet may trail the newest
     * @param maxGapUnits        longest hole filled with silence; longer ones are collapsed
     * @param sink               where the timeline goes
     */
    public TimelineAssembler(int payloadType, int clockRate, long reorderWindowUnits, long maxGapUnits, Sink sink) {
        this.payloadType = payloadType;
        this.clockRate = clockRate;
        this.reorderWindowUnits = reorderWindowUnits;
        this.maxGapUnits = maxGapUnits;
        this.sink = sink;
        Arrays.fill(seen, Long.MIN_VALUE);
    }

    /** Offers one datagram as received. */
    public void offer(long arrivalMicros, byte[] buf, int off, int len) {
        received++;
        if (RtpHeader.check(buf, off, len) != RtpHeader.Problem.NONE) {
            drop("malformed");
            return;
        }
        accept(arrivalMicros, buf, off, len);
    }

    private void accept(long arrivalMicros, byte[] buf, int off, int len) {
        boolean audio = RtpHeader.payloadType(buf, off) == payloadType;
        long packetSsrc = RtpHeader.ssrc(buf, off);
        if (packetSsrc != ssrc) {
            if (!audio) {
                drop("payload-type");
                return;
            }
            if (started && isStale(packetSsrc)) {
                drop("stale-ssrc");
                return;
            }
            switchSsrc(packetSsrc);
        }
        int seq = RtpHeader.sequenceNumber(buf, off);
        if (started && isOutOfRange(seq) && !(audio && isLongLoss(seq, RtpHeader.timestamp(buf, off)))) {
            if (!audio) {
                drop("payload-type");
                return;
            }
            // RFC 3550 A.1: a jump this far is a stray packet or the stream restarting under the
            // same SSRC; a second packet right after the first confirms a restart.
            if (probe != null && seq == ((probeSeq + 1) & 0xFFFF)) {
                byte[] first = probe;
                long firstArrival = probeArrivalMicros;
                probe = null;
                restarts++;
                restartStream();
                accept(firstArrival, first, 0, first.length);
                accept(arrivalMicros, buf, off, len);
            } else {
                if (probe != null) {
                    drop("out-of-range");
                }
                probe = Arrays.copyOfRange(buf, off, off + len);
                probeSeq = seq;
                probeArrivalMicros = arrivalMicros;
            }
            return;
        }
        long extSeq = seqs.unwrap(seq);
        if (!started) {
            started = true;
            firstSeq = extSeq;
            highestSeq = extSeq;
        }
        if (!audio) {
            // DTMF events and comfort noise share the sequence space but never reach the audio.
            if (extSeq > lastEmittedSeq && !buffer.containsKey(extSeq)) {
                firstSeq = Math.min(firstSeq, extSeq);
                highestSeq = Math.max(highestSeq, extSeq);
                otherPayloadInRange++;
            }
            drop("payload-type");
            return;
        }
        long rawTs = RtpHeader.timestamp(buf, off);
        if (extSeq > highestSeq && highestTs != Long.MIN_VALUE
                && RtpMath.tsDelta(rawTs, highestTs & 0xFFFF_FFFFL) < -reorderWindowUnits) {
            // The newest packet's timestamp went back by more than the window while the sequence
            // numbers went on: the sender reset its clock. What is held goes out; the audio then
            // continues where the timeline stands instead of being dropped as overlap.
            rebaseTimestamps();
        }
        long extTs = stamps.unwrap(rawTs);
        if (extSeq <= lastEmittedSeq) {
            if (seen[(int) Math.floorMod(extSeq, (long) SEEN_RING)] == extSeq) {
                duplicated++;
            } else {
                late++;
            }
            return;
        }
        if (buffer.containsKey(extSeq)) {
            duplicated++;
            return;
        }
        if (extSeq < firstSeq) {
            firstSeq = extSeq;
        }
        highestSeq = Math.max(highestSeq, extSeq);
        trackJitter(arrivalMicros, extTs);
        int payloadOff = off + RtpHeader.payloadOffset(buf, off, len);
        int payloadLen = RtpHeader.payloadLength(buf, off, len);
        buffer.put(extSeq, new Held(extTs, packetSsrc, Arrays.copyOfRange(buf, payloadOff, payloadOff + payloadLen)));
        if (payloadLen > 0) {
            unitsPerPacket = payloadLen;
        }
        highestTs = Math.max(highestTs, extTs);
        // Release what trails the newest by more than the window; the count cap bounds memory
        // even for a stream whose timestamps never advance.
        while (!buffer.isEmpty() && (highestTs - buffer.firstEntry().getValue().extTs() > reorderWindowUnits
                || buffer.size() > MAX_HELD)) {
            emitFirst();
        }
    }

    /**
     * A forward sequence jump whose timestamp jump matches it (packets × the stream's packet
     * length) is a long outage of a live stream, not a restart: it is loss, kept as silence.
     */
    private boolean isLongLoss(int seq, long ts) {
        int dSeq = RtpMath.seqDelta(seq, (int) (highestSeq & 0xFFFF));
        if (dSeq <= 0 || unitsPerPacket <= 0 || highestTs == Long.MIN_VALUE) {
            return false;
        }
        long dTs = RtpMath.tsDelta(ts, highestTs & 0xFFFF_FFFFL);
        return Math.abs(dTs - (long) dSeq * unitsPerPacket) <= 2L * unitsPerPacket;
    }

    private boolean isOutOfRange(int seq) {
        int d = RtpMath.seqDelta(seq, (int) (highestSeq & 0xFFFF));
        return d > MAX_DROPOUT || d < -MAX_MISORDER;
    }

    /** Writes out everything still held (end of the recording). */
    public void finish() {
        while (!buffer.isEmpty()) {
            emitFirst();
        }
        if (probe != null) {
            probe = null;
            drop("out-of-range");
        }
    }

    /** Units written so far. */
    public long durationUnits() {
        return cursor;
    }

    /** Counts so far (call after {@link #finish()} for final figures). */
    public TimelineStats stats() {
        long expected = expectedBefore + currentExpected();
        return new TimelineStats(received, placed, expected, Math.max(0, expected - placed), duplicated, late,
                Map.copyOf(dropped), ssrcChanges, maxJitterUnits * 1000.0 / clockRate, List.copyOf(gaps), cursor);
    }

    private long currentExpected() {
        return started ? highestSeq - firstSeq + 1 - otherPayloadInRange : 0;
    }

    /** Times the stream restarted its numbering under the same SSRC. */
    public int restarts() {
        return restarts;
    }

    private boolean isStale(long packetSsrc) {
        // A packet of an SSRC we already left behind (it trails the switch): ignore it.
        return previousSsrcs.contains(packetSsrc);
    }

    private void switchSsrc(long newSsrc) {
        if (ssrc != -1) {
            previousSsrcs.add(ssrc);
            ssrcChanges++;
        }
        restartStream();
        ssrc = newSsrc;
    }

    /** Ends the current stream's numbering: flush, then continue the timeline where it stands. */
    private void restartStream() {
        finishBuffer();
        if (started || ssrc != -1) {
            sink.newStream();
        }
        expectedBefore += currentExpected();
        otherPayloadInRange = 0;
        started = false;
        baseSet = false;
        seqs.reset();
        stamps.reset();
        highestTs = Long.MIN_VALUE;
        lastEmittedSeq = Long.MIN_VALUE;
        lastTransit = Long.MIN_VALUE;
        jitterOrigin = Long.MIN_VALUE;
        Arrays.fill(seen, Long.MIN_VALUE);
    }

    private void rebaseTimestamps() {
        finishBuffer();
        timestampResets++;
        baseSet = false;
        stamps.reset();
        highestTs = Long.MIN_VALUE;
        lastTransit = Long.MIN_VALUE;
        jitterOrigin = Long.MIN_VALUE;
    }

    /** Times the sender's timestamps jumped back while its sequence numbers went on. */
    public int timestampResets() {
        return timestampResets;
    }

    private void finishBuffer() {
        while (!buffer.isEmpty()) {
            emitFirst();
        }
    }

    private void emitFirst() {
        Map.Entry<Long, Held> e = buffer.pollFirstEntry();
        long extSeq = e.getKey();
        Held h = e.getValue();
        lastEmittedSeq = extSeq;
        seen[(int) Math.floorMod(extSeq, (long) SEEN_RING)] = extSeq;
        if (!baseSet) {
            // The earliest packet of this SSRC starts where the timeline stands.
            base = h.extTs() - cursor;
            baseSet = true;
        }
        long pos = h.extTs() - base;
        int len = h.payload().length;
        if (pos > cursor) {
            long gap = pos - cursor;
            if (gap > maxGapUnits) {
                gaps.add(new TimelineStats.Gap(cursor, gap));
                base += gap; // collapse: the audio continues right here
            } else {
                sink.silence(gap);
                cursor = pos;
            }
            pos = cursor;
        }
        int skip = (int) Math.min(len, cursor - pos);
        if (skip >= len && len > 0) {
            drop("overlap");
            return;
        }
        placed++;
        if (len - skip > 0) {
            sink.audio(h.payload(), skip, len - skip);
            cursor += len - skip;
        }
    }

    private void trackJitter(long arrivalMicros, long extTs) {
        if (jitterOrigin == Long.MIN_VALUE) {
            jitterOrigin = arrivalMicros;
        }
        // Relative to the stream's first arrival, so the product cannot overflow.
        long arrivalUnits = (arrivalMicros - jitterOrigin) * clockRate / 1_000_000L;
        long transit = arrivalUnits - extTs;
        if (lastTransit != Long.MIN_VALUE) {
            long d = Math.abs(transit - lastTransit);
            jitterUnits += (d - jitterUnits) / 16.0;
            maxJitterUnits = Math.max(maxJitterUnits, jitterUnits);
        }
        lastTransit = transit;
    }

    private void drop(String reason) {
        dropped.merge(reason, 1L, Long::sum);
    }
}
