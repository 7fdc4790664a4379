package org.callrec.core.timeline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.callrec.core.chunk.DropReason;
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
 *   <li>a hole between two packets' timestamps that the missing sequence numbers account for is
 *       loss: silence of that length, so audio after a loss stays where it belongs; a hole
 *       longer than that is a pause, handled by the {@link GapHandling} (kept as silence,
 *       collapsed to a marker beyond a limit, or cut) and reported;</li>
 *   <li>an SSRC change waits one reorder window (by arrival time) from the new SSRC's first packet:
 *       meanwhile the new SSRC's packets are held aside and the old SSRC's reordered packets still
 *       go in place. Then the old stream is written to its end and the new one continues the
 *       timeline right after it (its earliest packet follows the old stream's highest one, no gap,
 *       no overlap). Packets of the old SSRC arriving after that, within the reorder window of its
 *       last packet, are stragglers, dropped as {@code stale-ssrc}; later ones are the stream coming
 *       back, a switch again;</li>
 *   <li>packets of another payload type (DTMF events, comfort noise) never reach the audio; they
 *       are counted by payload type.</li>
 * </ul>
 * Output goes to a {@link Sink} in RTP timestamp units; for PCMA, PCMU and G.722 one payload byte
 * is one unit (a G.722 unit decodes to two 16 kHz samples: the sink scales). Not thread-safe.
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

    /** A datagram of an SSRC the stream is about to switch to, as it arrived. */
    private record Pending(long arrivalMicros, byte[] datagram) {
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
    private final long reorderWindowMicros;
    private final GapHandling gapHandling;
    private final int clockRate;
    private final Sink sink;

    private final TreeMap<Long, Held> buffer = new TreeMap<>();
    /** SSRCs left behind → arrival of their last packet (bounded: oldest forgotten first). */
    private final Map<Long, Long> previousSsrcs = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
            return size() > 16;
        }
    };
    private long ssrcLastArrivalMicros = Long.MIN_VALUE;
    /** Datagrams of the SSRC being switched to ({@link #pendingSsrc}), held for one reorder window. */
    private final List<Pending> pending = new ArrayList<>();
    private long pendingSsrc = -1;
    private long pendingSinceMicros;
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
    private final Map<Integer, Long> otherPayloadTypes = new TreeMap<>();
    private final List<TimelineStats.Gap> gaps = new ArrayList<>();

    private double jitterUnits;
    private double maxJitterUnits;
    private long lastTransit = Long.MIN_VALUE;

    /**
     * @param payloadType        the recording's codec payload type; others are dropped
     * @param clockRate          RTP clock of the codec (for jitter in milliseconds)
     * @param reorderWindowUnits how far (in timestamp units) a late packet may trail the newest
     * @param gapHandling        what becomes of pauses and very long holes
     * @param sink               where the timeline goes
     */
    public TimelineAssembler(int payloadType, int clockRate, long reorderWindowUnits, GapHandling gapHandling,
                             Sink sink) {
        this.payloadType = payloadType;
        this.clockRate = clockRate;
        this.reorderWindowUnits = reorderWindowUnits;
        this.reorderWindowMicros = reorderWindowUnits > Long.MAX_VALUE / 1_000_000L
                ? Long.MAX_VALUE : reorderWindowUnits * 1_000_000L / clockRate;
        this.gapHandling = gapHandling;
        this.sink = sink;
        Arrays.fill(seen, Long.MIN_VALUE);
    }

    /** Offers one datagram as received. */
    public void offer(long arrivalMicros, byte[] buf, int off, int len) {
        received++;
        if (pendingSsrc != -1 && arrivalMicros - pendingSinceMicros > reorderWindowMicros) {
            completeSwitch();
        }
        if (RtpHeader.check(buf, off, len) != RtpHeader.Problem.NONE) {
            drop(DropReason.MALFORMED.token());
            return;
        }
        accept(arrivalMicros, buf, off, len);
    }

    private void accept(long arrivalMicros, byte[] buf, int off, int len) {
        int pt = RtpHeader.payloadType(buf, off);
        boolean audio = pt == payloadType;
        long packetSsrc = RtpHeader.ssrc(buf, off);
        if (packetSsrc != ssrc) {
            if (packetSsrc == pendingSsrc) {
                hold(arrivalMicros, buf, off, len);
                return;
            }
            if (!audio) {
                otherPayload(pt);
                return;
            }
            if (isStale(packetSsrc, arrivalMicros)) {
                drop(DropReason.STALE_SSRC.token());
                return;
            }
            if (ssrc == -1) {
                switchSsrc(packetSsrc);
            } else {
                // A third SSRC while a switch is pending: the pending one goes first.
                completeSwitch();
                if (packetSsrc != ssrc) {
                    // The old SSRC's reordered packets may still arrive: wait one window before switching.
                    pendingSsrc = packetSsrc;
                    pendingSinceMicros = arrivalMicros;
                    hold(arrivalMicros, buf, off, len);
                    return;
                }
            }
        }
        ssrcLastArrivalMicros = Math.max(ssrcLastArrivalMicros, arrivalMicros);
        int seq = RtpHeader.sequenceNumber(buf, off);
        if (started && isOutOfRange(seq) && !(audio && isLongLoss(seq, RtpHeader.timestamp(buf, off)))) {
            if (!audio) {
                otherPayload(pt);
                return;
            }
            long behind = highestSeq + RtpMath.seqDelta(seq, (int) (highestSeq & 0xFFFF));
            if (behind <= lastEmittedSeq && seen[(int) Math.floorMod(behind, (long) SEEN_RING)] == behind) {
                // a copy of a packet written long ago: a duplicate, never the start of a restart
                duplicated++;
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
                    drop(DropReason.OUT_OF_RANGE.token());
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
            otherPayload(pt);
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

    /** Holds a datagram of the SSRC being switched to; too many and the switch happens now. */
    private void hold(long arrivalMicros, byte[] buf, int off, int len) {
        pending.add(new Pending(arrivalMicros, Arrays.copyOfRange(buf, off, off + len)));
        if (pending.size() > MAX_HELD) {
            completeSwitch();
        }
    }

    /**
     * The reorder window since the new SSRC's first packet has passed (or the recording ends): the
     * old stream is written to its end, then the new SSRC's held packets are offered in their
     * arrival order, so its earliest packet follows the old stream's highest one.
     */
    private void completeSwitch() {
        if (pendingSsrc == -1) {
            return;
        }
        long next = pendingSsrc;
        pendingSsrc = -1;
        List<Pending> held = new ArrayList<>(pending);
        pending.clear();
        switchSsrc(next);
        for (Pending p : held) {
            accept(p.arrivalMicros(), p.datagram(), 0, p.datagram().length);
        }
    }

    /** Writes out everything still held (end of the recording). */
    public void finish() {
        completeSwitch();
        while (!buffer.isEmpty()) {
            emitFirst();
        }
        if (probe != null) {
            probe = null;
            drop(DropReason.OUT_OF_RANGE.token());
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
                Map.copyOf(dropped), Map.copyOf(otherPayloadTypes), ssrcChanges, restarts, timestampResets,
                maxJitterUnits * 1000.0 / clockRate, List.copyOf(gaps), cursor);
    }

    private long currentExpected() {
        return started ? highestSeq - firstSeq + 1 - otherPayloadInRange : 0;
    }

    /** Times the stream restarted its numbering under the same SSRC. */
    public int restarts() {
        return restarts;
    }

    private boolean isStale(long packetSsrc, long arrivalMicros) {
        // A packet of an SSRC we left behind, arriving within the reorder window after that
        // stream's last packet, trails the switch: ignore it. Later, that stream is back.
        Long last = previousSsrcs.get(packetSsrc);
        return last != null && arrivalMicros - last <= reorderWindowMicros;
    }

    private void switchSsrc(long newSsrc) {
        if (ssrc != -1) {
            previousSsrcs.remove(newSsrc);
            previousSsrcs.put(ssrc, ssrcLastArrivalMicros);
            ssrcChanges++;
        }
        if (probe != null) {
            // a lone far-off packet of the old stream, never confirmed
            probe = null;
            drop(DropReason.OUT_OF_RANGE.token());
        }
        ssrcLastArrivalMicros = Long.MIN_VALUE;
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
        long missing = lastEmittedSeq == Long.MIN_VALUE ? 0 : extSeq - lastEmittedSeq - 1;
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
            fillHole(pos - cursor, missing, len > 0 ? len : unitsPerPacket);
            pos = cursor;
        }
        int skip = (int) Math.min(len, cursor - pos);
        if (skip >= len && len > 0) {
            drop(DropReason.OVERLAP.token());
            return;
        }
        placed++;
        if (len - skip > 0) {
            sink.audio(h.payload(), skip, len - skip);
            cursor += len - skip;
        }
    }

    /**
     * A hole of {@code hole} units before the next packet, {@code missing} sequence numbers after
     * the last one written: silence, a shorter silence or nothing, per the {@link GapHandling}.
     * Moves {@code base} by what is left out, so the next packet lands at the cursor.
     */
    private void fillHole(long hole, long missing, int packetUnits) {
        long explained = missing > hole / Math.max(1, packetUnits) ? hole : missing * packetUnits;
        boolean pause = hole - explained >= gapHandling.minPauseUnits();
        long kept = hole;
        TimelineStats.GapAction action = TimelineStats.GapAction.KEPT;
        switch (gapHandling.policy()) {
            case COLLAPSE -> {
                if (hole > gapHandling.maxSilenceUnits()) {
                    kept = gapHandling.markerUnits();
                    action = TimelineStats.GapAction.COLLAPSED;
                }
            }
            case SKIP -> {
                if (pause) {
                    kept = 0;
                    action = TimelineStats.GapAction.SKIPPED;
                }
            }
            case SILENCE -> {
                // every hole is kept whole
            }
        }
        if (pause || action != TimelineStats.GapAction.KEPT) {
            gaps.add(new TimelineStats.Gap(cursor, hole, kept, action));
        }
        if (kept > 0) {
            sink.silence(kept);
        }
        cursor += kept;
        base += hole - kept;
    }

    private void otherPayload(int pt) {
        otherPayloadTypes.merge(pt, 1L, Long::sum);
        drop(DropReason.PAYLOAD_TYPE.token());
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
