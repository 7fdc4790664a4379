package org.callrec.simulator;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * How the phones' RTP leaves the process. An {@link RtpPacer} sends every packet through the
 * transport it was made with: each call {@linkplain #open opens} a {@link Channel} (its media
 * path, from the phone's address to the server's {@code server:port}), the pacer hands it one
 * packet per ptime and, after each pacing tick, calls {@link #flush()} once, so a transport may
 * queue a tick's packets and write them together.
 *
 * <p>{@link #perPhoneSockets()} is a phone as it really is: one UDP socket per call, each
 * packet sent at once. The benchmark module adds a batched transport (few sockets shared by
 * the whole fleet, one {@code sendmmsg} per tick); sharing a socket is fine for the server,
 * which latches each recording onto the first source it hears on that recording's own port.
 */
public interface RtpTransport extends AutoCloseable {

    /** One call's media path. Used by one pacer thread at a time. */
    interface Channel extends Closeable {

        /** The local UDP port the packets leave from. */
        int localPort();

        /**
         * Sends {@code packet[0, length)}, or queues a copy until the next {@link #flush()}; the
         * caller may reuse the array once this returns.
         *
         * @throws IOException when the datagram could not be sent (counted by the stream)
         */
        void send(byte[] packet, int length) throws IOException;

        /**
         * Completes once every packet {@linkplain #send sent} so far has been handed to its socket
         * (written and flushed), flushing what is queued. A phone ends its stream with it: it sends
         * {@code RecordStopRequest} after its last packet is on the wire, never while that packet
         * still waits in a queue of the simulator's. A transport that writes each packet in
         * {@link #send} (the default) is done at once.
         */
        default CompletableFuture<Void> sent() {
            return CompletableFuture.completedFuture(null);
        }

        /** Ends the media path (closes its socket, if it has its own). Never throws. */
        @Override
        void close();
    }

    /**
     * Opens a media path from {@code phoneAddress} (the local address of the phone's control
     * connection: the server only accepts media from the phone's address) to {@code target}.
     */
    Channel open(InetAddress phoneAddress, InetSocketAddress target) throws IOException;

    /** Writes whatever {@link Channel#send} queued; called by each pacer thread after each tick. */
    default void flush() {
    }

    /** A short description for reports, such as {@code "one UDP socket per phone"}. */
    String description();

    /** Releases the transport's own resources (its shared sockets and threads). */
    @Override
    default void close() {
    }

    /** One {@link java.net.DatagramSocket} per call, each packet sent as it is due. */
    static RtpTransport perPhoneSockets() {
        return SocketPerPhone.INSTANCE;
    }
}
