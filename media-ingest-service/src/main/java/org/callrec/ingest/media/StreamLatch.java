package org.callrec.ingest.media;

import java.net.InetAddress;
import java.util.Set;

/**
 * Which source a recording's packets may come from. A datagram must come from the phone's IP
 * address (or, for a phone on this node's own host, from one of the host's addresses); the
 * first valid RTP packet from there latches the recording onto its source address <em>and
 * port</em>, and from then on only that source is accepted: another port of the same IP (every
 * device behind a customer's NAT shares it) is {@code foreign-port}. SSRC changes from the
 * latched source are not judged here (storage follows them).
 *
 * <p>One change can be allowed ({@code ingest.recording.relatch-after}, off by default): when
 * the latched source has sent nothing for {@code relatchNanos} and a valid packet from an
 * allowed address carries the SSRC the latched source sent last, it re-latches there (a NAT that
 * gave the phone a new port after its mapping expired in a silence: same phone, same stream).
 * Never while the latched source is sending, never for another SSRC: a stranger cannot take over
 * a live stream, nor a silent one without knowing its SSRC. Not thread-safe: the session calls
 * it under its lock. Allocates nothing: addresses are compared as {@link InetAddress}es, never
 * as text.
 */
final class StreamLatch {

    /** What {@link #admit} decided. */
    enum Verdict {
        /** From the latched source (or the first valid packet: latched now). */
        ACCEPT,
        /** From a new source of an allowed address after the latched one fell silent: latched now. */
        RELATCHED,
        /** From an allowed address, but not the latched source. */
        FOREIGN_PORT
    }

    private final InetAddress phoneAddress;
    private final Set<InetAddress> sameHostSources;
    private final long relatchNanos;
    private InetAddress host;
    private int port = -1;
    private long lastNanos;
    private long ssrc;

    /**
     * @param relatchNanos silence of the latched source after which another source with its
     *                     SSRC may take over; 0 or less never
     */
    StreamLatch(InetAddress phoneAddress, Set<InetAddress> sameHostSources, long relatchNanos) {
        this.phoneAddress = phoneAddress;
        this.sameHostSources = sameHostSources;
        this.relatchNanos = relatchNanos;
    }

    /** Whether a datagram from {@code sourceHost} may be the phone's at all (else {@code foreign-source}). */
    boolean allowedAddress(InetAddress sourceHost) {
        return sourceHost.equals(phoneAddress) || sameHostSources.contains(sourceHost);
    }

    /**
     * Decides on a valid RTP packet (SSRC {@code packetSsrc}) from an {@link #allowedAddress
     * allowed address}; latches as needed.
     */
    Verdict admit(InetAddress sourceHost, int sourcePort, long packetSsrc, long nowNanos) {
        if (port < 0) {
            latch(sourceHost, sourcePort, packetSsrc, nowNanos);
            return Verdict.ACCEPT;
        }
        if (sourcePort == port && sourceHost.equals(host)) {
            lastNanos = nowNanos;
            ssrc = packetSsrc;
            return Verdict.ACCEPT;
        }
        if (relatchNanos > 0 && nowNanos - lastNanos >= relatchNanos && packetSsrc == ssrc) {
            latch(sourceHost, sourcePort, packetSsrc, nowNanos);
            return Verdict.RELATCHED;
        }
        return Verdict.FOREIGN_PORT;
    }

    /** The latched source as {@code host:port}, or null before the first valid packet. */
    String latched() {
        return port < 0 ? null : host.getHostAddress() + ":" + port;
    }

    private void latch(InetAddress sourceHost, int sourcePort, long packetSsrc, long nowNanos) {
        host = sourceHost;
        port = sourcePort;
        ssrc = packetSsrc;
        lastNanos = nowNanos;
    }
}
