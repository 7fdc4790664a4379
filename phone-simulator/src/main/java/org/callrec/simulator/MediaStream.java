package org.callrec.simulator;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

import org.callrec.core.rtp.RtpHeader;

/**
 * One phone's RTP stream, driven by an {@link RtpPacer} and sent through its
 * {@link RtpTransport.Channel}: packet {@code i} is due at
 * {@code start + i × packetMillis} (absolute deadlines on the monotonic clock, so lateness never
 * accumulates), and the stream ends one packet interval after its last packet, when the audio
 * it carried is over, once that packet has left ({@link RtpTransport.Channel#sent()}).
 *
 * <p>Only the pacer thread calls {@link #fire}; the phone's thread reads the counters after
 * {@link #done()} completes, which orders the accesses.
 */
final class MediaStream {

    private final RtpTransport.Channel channel;
    private final byte[] packet;
    private final int payloadType;
    private final int samplesPerPacket;
    private final int count;
    private final long packetNanos;
    private final long ssrc;
    private final int initialSeq;
    private final long initialTimestamp;
    private final ToneSource tone;
    private final byte[] payloadSent;
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    private volatile boolean cancelled;
    private long startNanos;
    private int index;
    private long maxLateNanos;
    private int sendErrors;
    private String lastSendError;

    MediaStream(RtpTransport.Channel channel, PhoneConfig config, long ssrc, int initialSeq, long initialTimestamp) {
        this.channel = channel;
        this.payloadType = config.codec().payloadType();
        this.samplesPerPacket = config.samplesPerPacket();
        this.count = config.packetCount();
        this.packetNanos = config.packetMillis() * 1_000_000L;
        this.ssrc = ssrc;
        this.initialSeq = initialSeq;
        this.initialTimestamp = initialTimestamp;
        this.tone = new ToneSource(config.codec(), config.toneHz(), ToneSource.seedFor(config));
        this.packet = new byte[RtpHeader.FIXED_LENGTH + samplesPerPacket];
        this.payloadSent = config.keepPayload() ? new byte[Math.multiplyExact(count, samplesPerPacket)] : null;
    }

    /** When the stream will be over (its last packet interval ends); valid once started. */
    long endDeadline() {
        return startNanos + count * packetNanos;
    }

    /** Sets the first deadline; called by the pacer when the stream is handed over. */
    void start(long nowNanos) {
        startNanos = nowNanos;
    }

    /** When the next packet (or the end) is due, on the {@link System#nanoTime()} clock. */
    long nextDeadline() {
        return startNanos + index * packetNanos;
    }

    /**
     * Sends the packet that is due, or ends the stream. Returns true while more is to come.
     * Never throws: a failed send is counted, as a phone would carry on.
     */
    boolean fire(long nowNanos) {
        if (cancelled || index >= count) {
            channel.sent().whenComplete((v, e) -> done.complete(null));
            return false;
        }
        maxLateNanos = Math.max(maxLateNanos, nowNanos - nextDeadline());
        int seq = (initialSeq + index) & 0xFFFF;
        long ts = (initialTimestamp + (long) index * samplesPerPacket) & 0xFFFF_FFFFL;
        RtpHeader.writeFixed(packet, 0, index == 0, payloadType, seq, ts, ssrc);
        tone.next(packet, RtpHeader.FIXED_LENGTH, samplesPerPacket);
        if (payloadSent != null) {
            System.arraycopy(packet, RtpHeader.FIXED_LENGTH, payloadSent, index * samplesPerPacket, samplesPerPacket);
        }
        try {
            channel.send(packet, packet.length);
        } catch (IOException e) {
            sendErrors++;
            lastSendError = e.toString();
        }
        index++;
        return true;
    }

    /** Stops the stream at its next deadline (the control connection is gone). */
    void cancel() {
        cancelled = true;
    }

    /** Ends the stream at once because its pacer is shutting down. */
    void abort(Throwable cause) {
        cancelled = true;
        done.completeExceptionally(cause);
    }

    /** Completes when the last packet interval is over and that packet has left, or after a cancel. */
    CompletableFuture<Void> done() {
        return done;
    }

    int packetsSent() {
        return index;
    }

    byte[] payloadSent() {
        return payloadSent == null ? new byte[0] : Arrays.copyOf(payloadSent, index * samplesPerPacket);
    }

    long maxLateNanos() {
        return maxLateNanos;
    }

    int sendErrors() {
        return sendErrors;
    }

    String lastSendError() {
        return lastSendError;
    }
}
