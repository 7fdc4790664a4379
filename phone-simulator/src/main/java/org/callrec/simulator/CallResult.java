package org.callrec.simulator;

import org.callrec.core.audio.PayloadDecoder;
import org.callrec.core.protocol.Command;

/**
 * What happened during one simulated call.
 *
 * @param config             the call's configuration
 * @param success            true when the whole call went as configured: start answered {@code success},
 *                           media sent, and (for {@link EndMode#STOP}) stop answered {@code success}
 * @param failureReason      why not, {@code null} on success
 * @param startResponse      the {@code RecordStartResponse} received, {@code null} if none
 * @param startLatencyNanos  from writing the start command to parsing its answer; -1 without answer
 * @param startedAtMillis    epoch milliseconds when the start answer arrived (media begins then); 0 without answer
 * @param server             media address from the answer ({@code server=}, or the control host when the
 *                           answer has none); {@code null} when the start failed
 * @param port               media UDP port from the answer; 0 when the start failed
 * @param localAddress       the phone's IP address (local address of the TCP connection, also the RTP
 *                           source); {@code null} when not connected
 * @param localRtpPort       UDP port the RTP left from; 0 when no media was sent
 * @param ssrc               RTP SSRC used
 * @param initialSeq         sequence number of the first packet
 * @param initialTimestamp   RTP timestamp of the first packet
 * @param packetsSent        RTP packets sent (including any whose send failed, see {@code sendErrors})
 * @param payloadSent        the payload bytes (G.711 or G.722) of those packets, in order (empty when
 *                           {@link PhoneConfig#keepPayload()} is off)
 * @param sendErrors         UDP sends that failed
 * @param maxSendLagNanos    largest delay of a packet behind its real-time deadline (pacer health)
 * @param stopResponse       the {@code RecordStopResponse} received, {@code null} if none
 * @param stopSentAtMillis   epoch milliseconds when the stop was written ({@code STOP}) or the connection
 *                           reset ({@code DROP}); 0 when the call never got that far
 * @param stopLatencyNanos   from writing the stop command to parsing its answer; -1 without answer
 */
public record CallResult(
        PhoneConfig config,
        boolean success,
        String failureReason,
        Command startResponse,
        long startLatencyNanos,
        long startedAtMillis,
        String server,
        int port,
        String localAddress,
        int localRtpPort,
        long ssrc,
        int initialSeq,
        long initialTimestamp,
        int packetsSent,
        byte[] payloadSent,
        int sendErrors,
        long maxSendLagNanos,
        Command stopResponse,
        long stopSentAtMillis,
        long stopLatencyNanos) {

    public CallResult {
        payloadSent = payloadSent == null ? new byte[0] : payloadSent;
    }

    /** True when the server answered the start with {@code result=success}. */
    public boolean started() {
        return startResponse != null && "success".equalsIgnoreCase(startResponse.getOr("result", ""));
    }

    /** A copy of the payload bytes sent, in order. */
    @Override
    public byte[] payloadSent() {
        return payloadSent.clone();
    }

    /**
     * The payload bytes this call sent, in order, made again from the phone's configuration
     * ({@link ToneSource#payload}): the same as {@link #payloadSent()}, also without
     * {@link PhoneConfig#keepPayload()}.
     */
    public byte[] replayPayload() {
        return ToneSource.payload(config, Math.multiplyExact(packetsSent, config.samplesPerPacket()));
    }

    /** Number of payload bytes sent (= RTP timestamp units; G.711 samples, G.722 sample pairs). */
    public int payloadLength() {
        return payloadSent.length;
    }

    /**
     * The audio a faithful recording must contain: {@link #payloadSent()} decoded with the call's
     * codec, at its sample rate (8 kHz for G.711, 16 kHz for G.722).
     */
    public short[] expectedPcm() {
        PayloadDecoder decoder = PayloadDecoder.of(config.codec());
        short[] pcm = new short[payloadSent.length * decoder.samplesPerUnit()];
        decoder.decode(payloadSent, 0, payloadSent.length, pcm, 0);
        return pcm;
    }

    /** Start-answer latency in milliseconds, NaN without answer. */
    public double startLatencyMillis() {
        return startLatencyNanos < 0 ? Double.NaN : startLatencyNanos / 1e6;
    }

    /** Stop-answer latency in milliseconds, NaN without answer. */
    public double stopLatencyMillis() {
        return stopLatencyNanos < 0 ? Double.NaN : stopLatencyNanos / 1e6;
    }

    @Override
    public String toString() {
        return "CallResult[id=" + config.sessionId() + ", device=" + config.device() + ", success=" + success
                + (failureReason != null ? ", failure=" + failureReason : "")
                + ", server=" + server + ":" + port + ", packetsSent=" + packetsSent
                + ", startLatencyMs=" + startLatencyMillis() + ", stopLatencyMs=" + stopLatencyMillis() + "]";
    }
}
