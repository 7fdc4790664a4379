package org.callrec.ingest.media;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollMode;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;

/**
 * One recording's UDP socket: a Netty datagram channel on one of Vert.x's event loops, created by
 * Vert.x's transport (Netty's native epoll when {@code quarkus.vertx.prefer-native-transport} is
 * on and the native library loads, NIO otherwise).
 *
 * <p>It hands each datagram to its {@link Receiver} as Netty read it: the pooled buffer and the
 * sender's address, released when the receiver returns. Vert.x's own {@code DatagramSocket} copies
 * every datagram into a new heap buffer and wraps it and its sender in new objects, and the
 * sender's host is only available as a String (formatted per packet); none of that happens here.
 */
public final class MediaSocket {

    /** Receives the datagrams of a socket, on its event loop; must not keep {@code data} after returning. */
    @FunctionalInterface
    public interface Receiver {
        void onDatagram(ByteBuf data, InetSocketAddress sender);
    }

    /**
     * Read buffer per datagram: larger than any accepted datagram (the receiver sees a longer one
     * as oversize; one longer than this arrives cut to this length, still oversize).
     */
    static final int READ_BUFFER_BYTES = 2048;

    private final DatagramChannel channel;
    private volatile Receiver receiver;

    private MediaSocket(DatagramChannel channel) {
        this.channel = channel;
    }

    /**
     * A socket bound to {@code host:port} (port 0: any free port); fails when the port cannot be
     * bound.
     *
     * @param receiveBufferBytes the socket's receive buffer asked of the OS, empty for its default
     */
    public static Future<MediaSocket> bind(Vertx vertx, String host, int port, Optional<Integer> receiveBufferBytes,
                                           int maxDatagramBytes) {
        Promise<MediaSocket> promise = Promise.promise();
        InetSocketAddress local;
        try {
            local = new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (Exception e) {
            return Future.failedFuture(e);
        }
        VertxInternal vx = (VertxInternal) vertx;
        DatagramChannel channel = vx.transport().datagramChannel(
                local.getAddress() instanceof java.net.Inet6Address ? InternetProtocolFamily.IPv6 : InternetProtocolFamily.IPv4);
        MediaSocket socket = new MediaSocket(channel);
        channel.config().setRecvByteBufAllocator(
                new FixedRecvByteBufAllocator(Math.max(READ_BUFFER_BYTES, maxDatagramBytes + 1)));
        receiveBufferBytes.ifPresent(bytes -> channel.config().setOption(ChannelOption.SO_RCVBUF, bytes));
        // Level-triggered: a wake-up reads the one datagram it is for and returns to epoll_wait,
        // which reports the socket again while more are queued. Edge-triggered (Netty's default)
        // must read until EAGAIN: a second recvmsg and a task on the loop for every datagram of a
        // 50-packet/s stream (BENCHMARKS.md, "Ingest receive path"). An NIO channel ignores it.
        channel.config().setOption(EpollChannelOption.EPOLL_MODE, EpollMode.LEVEL_TRIGGERED);
        channel.pipeline().addLast(socket.new Reader());
        vertx.nettyEventLoopGroup().next().register(channel).addListener(registered -> {
            if (!registered.isSuccess()) {
                promise.fail(registered.cause());
                return;
            }
            channel.bind(local).addListener((ChannelFuture bound) -> {
                if (bound.isSuccess()) {
                    promise.complete(socket);
                } else {
                    channel.close();
                    promise.fail(bound.cause());
                }
            });
        });
        return promise.future();
    }

    /** From now on, datagrams reach {@code receiver}; before, they are read and dropped. */
    public void handler(Receiver receiver) {
        this.receiver = receiver;
    }

    /** The bound port. */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** How epoll reports the socket (level-triggered, see {@link #bind}); null on NIO. */
    EpollMode epollMode() {
        return channel.config().getOption(EpollChannelOption.EPOLL_MODE);
    }

    /** Closes the socket. */
    public Future<Void> close() {
        Promise<Void> promise = Promise.promise();
        channel.close().addListener(closed -> {
            if (closed.isSuccess()) {
                promise.complete();
            } else {
                promise.fail(closed.cause());
            }
        });
        return promise.future();
    }

    /** The channel's only handler: hands each datagram over, then releases it. */
    private final class Reader extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                Receiver r = receiver;
                if (r != null && msg instanceof DatagramPacket packet) {
                    r.onDatagram(packet.content(), packet.sender());
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A read error of one datagram (e.g. ICMP port unreachable on an unconnected socket)
            // concerns no recording: the socket goes on.
        }
    }
}
