package org.callrec.core.timeline;

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
 *       collapsed to a marker beyond a limit, or cut) and reported; no hole is filled with more
 *       than the arrival time that passed plus the reorder window, whatever the timestamps say;</li>
 *   <li>per-recording {@link TimelineCaps}: once the audio would run ahead of the arrival time
 *       that passed, or pass its longest, the timeline ends there ({@link #capTripped()}) and
 *       every later packet is dropped as {@code capped};</li>
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
 *
 * <p>This class keeps the reorder buffer, the stream's numbering and the counts; it hands the
 * RFC 3550 sequence probation to {@link SequenceProbation}, the jitter estimate to
 * {@link JitterEstimator}, holes to {@link GapFiller}, the time that passed to {@link ElapsedTime}, telling duplicates from late packets to
 * {@link WrittenPackets}, and the SSRC switch's wait and stragglers to {@link PendingSwitch} and
 * {@link LeftSsrcs}.
 *
 * <p>Why ~450 lines in one class: what is left is the one state machine that must see every
 * packet in order (reorder buffer, extended numbering, the switch between SSRCs and the counts
 * they share); every rule that can stand alone already has a class of its own, listed above.
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

    private record Held(long extTs, long arrivalMicros, byte[] payload) {
    }

    /** Most packets held for reordering, whatever their timestamps say. */
    static final int MAX_HELD = 1000;

    private final int payloadType;
    private final ElapsedTime elapsed;
    private final long reorderWindowUnits;
    private final long reorderWindowMicros;
    private final Sink sink;
    private final SequenceProbation probation = new SequenceProbation();
    private final JitterEstimator jitter;
    private final GapFiller gapFiller;

    private final TreeMap<Long, Held> buffer = new TreeMap<>();
    private final LeftSsrcs leftSsrcs;
    private long ssrcLastArrivalMicros = Long.MIN_VALUE;
    private final PendingSwitch pending;
    private final WrittenPackets written = new WrittenPackets();
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
    private int unitsPerPacket;   // payload length of the latest audio packet (1 byte = 1 unit)
    private TimelineCap capTripped;

    private long received;
    private long placed;
    private long duplicated;
    private long late;
    private int ssrcChanges;
    private final Map<String, Long> dropped = new LinkedHashMap<>();
    private final Map<Integer, Long> otherPayloadTypes = new TreeMap<>();

    /**
     * @param payloadType        the recording's codec payload type; others are dropped
     * @param clockRate          RTP clock of the codec (for jitter in milliseconds)
     * @param reorderWindowUnits how far (in timestamp units) a late packet may trail the newest
     * @param gapHandling        what becomes of pauses and very long holes
     * @param sink               where the timeline goes
     */
    public TimelineAssembler(int payloadType, int clockRate, long reorderWindowUnits, GapHandling gapHandling,
                             Sink sink) {
        this(payloadType, clockRate, reorderWindowUnits, gapHandling, TimelineCaps.NONE, sink);
    }

    /**
     * As above, with per-recording caps: once the audio would pass one, the timeline ends there
     * ({@link #capTripped()}) and everything after is dropped as {@code capped}.
     */
    public TimelineAssembler(int payloadType, int clockRate, long reorderWindowUnits, GapHandling gapHandling,
                             TimelineCaps caps, Sink sink) {
        this.payloadType = payloadType;
        this.reorderWindowUnits = reorderWindowUnits;
        this.elapsed = new ElapsedTime(clockRate, reorderWindowUnits, caps);
        this.reorderWindowMicros = reorderWindowUnits > Long.MAX_VALUE / 1_000_000L
                ? Long.MAX_VALUE : reorderWindowUnits * 1_000_000L / clockRate;
        this.gapFiller = new GapFiller(gapHandling, caps.maxGapsListed());
        this.jitter = new JitterEstimator(clockRate);
        this.leftSsrcs = new LeftSsrcs(reorderWindowMicros);
        this.pending = new PendingSwitch(reorderWindowMicros, MAX_HELD);
        this.sink = sink;
    }

    /** Offers one datagram as received. */
    public void offer(long arrivalMicros, byte[] buf, int off, int len) {
        received++;
        elapsed.arrived(arrivalMicros);
        if (pending.isDue(arrivalMicros)) {
            completeSwitch();
        }
        if (RtpHeader.check(buf, off, len) != RtpHeader.Problem.NONE) {
            drop(DropReason.MALFORMED.token());
            return;
        }
        accept(arrivalMicros, buf, off, len);
    }

    private void accept(long arrivalMicros, byte[] buf, int off, int len) {
        if (capTripped != null) {
            drop(DropReason.CAPPED.token()); // after the cap, or held for a switch or restart when it tripped
            return;
        }
        int pt = RtpHeader.payloadType(buf, off);
        boolean audio = pt == payloadType;
        long packetSsrc = RtpHeader.ssrc(buf, off);
        if (packetSsrc != ssrc) {
            if (pending.isFor(packetSsrc)) {
                hold(arrivalMicros, buf, off, len);
                return;
            }
            if (!audio) {
                otherPayload(pt);
                return;
            }
            if (leftSsrcs.isStraggler(packetSsrc, arrivalMicros)) {
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
                    pending.begin(packetSsrc, arrivalMicros);
                    hold(arrivalMicros, buf, off, len);
                    return;
                }
            }
        }
        ssrcLastArrivalMicros = Math.max(ssrcLastArrivalMicros, arrivalMicros);
        int seq = RtpHeader.sequenceNumber(buf, off);
        if (started && SequenceProbation.isOutOfRange(seq, highestSeq) && !(audio && SequenceProbation.isLongLoss(
                seq, RtpHeader.timestamp(buf, off), highestSeq, highestTs, unitsPerPacket))) {
            if (!audio) {
                otherPayload(pt);
                return;
            }
            long behind = highestSeq + RtpMath.seqDelta(seq, (int) (highestSeq & 0xFFFF));
            if (behind <= lastEmittedSeq && written.contains(behind)) {
                // a copy of a packet written long ago: a duplicate, never the start of a restart
                duplicated++;
                return;
            }
            // RFC 3550 A.1: a jump this far is a stray packet or the stream restarting under the
            // same SSRC; a second packet right after the first confirms a restart.
            if (probation.confirmedBy(seq)) {
                Arrival first = probation.take();
                restarts++;
                restartStream();
                accept(first.arrivalMicros(), first.datagram(), 0, first.datagram().length);
                accept(arrivalMicros, buf, off, len);
            } else if (probation.hold(arrivalMicros, buf, off, len, seq)) {
                drop(DropReason.OUT_OF_RANGE.token());
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
            if (written.contains(extSeq)) {
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
        jitter.update(arrivalMicros, extTs);
        int payloadOff = off + RtpHeader.payloadOffset(buf, off, len);
        int payloadLen = RtpHeader.payloadLength(buf, off, len);
        buffer.put(extSeq, new Held(extTs, arrivalMicros, Arrays.copyOfRange(buf, payloadOff, payloadOff + payloadLen)));
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

    /** Holds a datagram of the SSRC being switched to; too many and the switch happens now. */
    private void hold(long arrivalMicros, byte[] buf, int off, int len) {
        if (pending.hold(arrivalMicros, buf, off, len)) {
            completeSwitch();
        }
    }

    /**
     * The reorder window since the new SSRC's first packet has passed (or the recording ends): the
     * old stream is written to its end, then the new SSRC's held packets are offered in their
     * arrival order, so its earliest packet follows the old stream's highest one.
     */
    private void completeSwitch() {
        if (!pending.isPending()) {
            return;
        }
        long next = pending.ssrc();
        List<Arrival> held = pending.end();
        switchSsrc(next);
        for (Arrival p : held) {
            accept(p.arrivalMicros(), p.datagram(), 0, p.datagram().length);
        }
    }

    /** Writes out everything still held (end of the recording). */
    public void finish() {
        completeSwitch();
        finishBuffer();
        if (probation.discard()) {
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
                jitter.maxJitterMillis(), gapFiller.gaps(), cursor, gapFiller.omitted(), gapFiller.altered(),
                unitsPerPacket, capTripped);
    }

    private long currentExpected() {
        return started ? highestSeq - firstSeq + 1 - otherPayloadInRange : 0;
    }

    /**
     * The recording started at {@code originMicros} (same clock as the arrival times): time that
     * passed is counted from there at the latest, so a receiver that stamped its first packets
     * late (a stalled event loop) does not shorten it.
     */
    public void startedAt(long originMicros) {
        elapsed.arrived(originMicros);
    }

    /** The cap that ended the timeline, or null while none has. */
    public TimelineCap capTripped() {
        return capTripped;
    }

    /** Times the stream restarted its numbering under the same SSRC. */
    public int restarts() {
        return restarts;
    }

    private void switchSsrc(long newSsrc) {
        if (ssrc != -1) {
            leftSsrcs.switched(ssrc, ssrcLastArrivalMicros, newSsrc);
            ssrcChanges++;
        }
        if (probation.discard()) {
            // a lone far-off packet of the old stream, never confirmed
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
        jitter.restart();
        written.clear();
    }

    private void rebaseTimestamps() {
        finishBuffer();
        timestampResets++;
        baseSet = false;
        stamps.reset();
        highestTs = Long.MIN_VALUE;
        jitter.restart();
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
        written.add(extSeq);
        if (!baseSet) {
            // The earliest packet of this SSRC starts where the timeline stands.
            base = h.extTs() - cursor;
            baseSet = true;
        }
        long pos = h.extTs() - base;
        int len = h.payload().length;
        long hole = Math.max(0, pos - cursor);
        GapFiller.Fill fill = hole > 0 ? gapFiller.plan(hole, elapsed.holeAllowance(h.arrivalMicros()), missing,
                len > 0 ? len : unitsPerPacket) : null;
        long silence = fill != null ? fill.kept() : 0;
        int skip = hole > 0 ? 0 : (int) Math.min(len, cursor - pos);
        elapsed.written(h.arrivalMicros());
        if (skip >= len && len > 0) {
            drop(DropReason.OVERLAP.token());
            return;
        }
        TimelineCap cap = elapsed.capFor(cursor + silence + (len - skip));
        if (cap != null) {
            trip(cap);
            return;
        }
        if (fill != null) {
            // the next packet lands at the cursor: base moves by what is left out of the hole
            gapFiller.record(cursor, fill);
            if (silence > 0) {
                sink.silence(silence);
            }
            cursor += silence;
            base += hole - silence;
        }
        placed++;
        if (len - skip > 0) {
            sink.audio(h.payload(), skip, len - skip);
            cursor += len - skip;
        }
    }

    /** Ends the timeline: the packet being written and all held are dropped as {@code capped}. */
    private void trip(TimelineCap cap) {
        capTripped = cap;
        for (int i = buffer.size() + 1; i > 0; i--) {
            drop(DropReason.CAPPED.token());
        }
        buffer.clear();
    }

    private void otherPayload(int pt) {
        otherPayloadTypes.merge(pt, 1L, Long::sum);
        drop(DropReason.PAYLOAD_TYPE.token());
    }

    private void drop(String reason) {
        dropped.merge(reason, 1L, Long::sum);
    }
}
