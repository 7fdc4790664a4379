package org.callrec.benchmark;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.callrec.simulator.RtpTransport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;

/**
 * The whole fleet's RTP from a few UDP sockets, written in batches: Netty's native epoll
 * transport sends the datagrams queued on a channel and then flushed together with one
 * {@code sendmmsg(2)} call.
 *
 * <p>Each call's {@linkplain #open channel} is a share of one of {@code sockets} sockets bound
 * to the phone's address (round robin); every packet is queued with its own destination (the
 * call's {@code server:port}). After each pacing tick {@link #flush()} hands every socket with
 * queued packets one task to its event loop, which writes them all and flushes once. Many
 * phones share a source port: the ingest node latches each recording onto the first source it
 * hears on that recording's own port, so this is accepted as long as one socket carries a call
 * from its first packet to its last (it does).
 *
 * <p>Send failures are counted ({@link #sendErrors()}), never thrown: the packet path goes on.
 */
final class BatchedRtpTransport implements RtpTransport {

    private final int sockets;
    private final EventLoopGroup group;
    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private final Map<InetAddress, Sender[]> senders = new HashMap<>();
    private final List<Sender> all = new ArrayList<>();
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong sendErrors = new AtomicLong();
    private volatile String lastError;
    private volatile Sender[] flushList = new Sender[0];

    private BatchedRtpTransport(int sockets, int threads) {
        this.sockets = sockets;
        this.group = new EpollEventLoopGroup(threads, r -> {
            Thread t = new Thread(r, "rtp-epoll");
            t.setDaemon(true);
            return t;
        });
    }

    /** Why the native transport cannot be used here, or null when it can. */
    static String unavailableReason() {
        if (Epoll.isAvailable()) {
            return null;
        }
        Throwable cause = Epoll.unavailabilityCause();
        return cause == null ? "unknown" : cause.toString();
    }

    /**
     * A transport of {@code sockets} sockets per phone address, on {@code min(sockets, 2)} event
     * loop threads.
     *
     * @throws IllegalStateException when the native epoll transport is unavailable
     */
    static BatchedRtpTransport create(int sockets) {
        String reason = unavailableReason();
        if (reason != null) {
            throw new IllegalStateException("Netty's native epoll transport is unavailable: " + reason);
        }
        if (sockets < 1) {
            throw new IllegalArgumentException("sockets must be >= 1: " + sockets);
        }
        return new BatchedRtpTransport(sockets, Math.min(sockets, 2));
    }

    @Override
    public Channel open(InetAddress phoneAddress, InetSocketAddress target) throws IOException {
        Sender[] own = sendersFor(phoneAddress);
        return new PhoneChannel(own[Math.floorMod(next.getAndIncrement(), own.length)], target);
    }

    private synchronized Sender[] sendersFor(InetAddress address) throws IOException {
        Sender[] own = senders.get(address);
        if (own == null) {
            own = new Sender[sockets];
            for (int i = 0; i < sockets; i++) {
                own[i] = bind(address);
                all.add(own[i]);
            }
            senders.put(address, own);
            flushList = all.toArray(new Sender[0]);
        }
        return own;
    }

    private Sender bind(InetAddress address) throws IOException {
        Bootstrap b = new Bootstrap().group(group).channel(EpollDatagramChannel.class)
                .option(ChannelOption.SO_SNDBUF, 4 << 20)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ReferenceCountUtil.release(msg); // nothing is expected back
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        sendErrors.incrementAndGet();
                        lastError = cause.toString();
                    }
                });
        try {
            io.netty.channel.Channel ch = b.bind(new InetSocketAddress(address, 0)).sync().channel();
            return new Sender(ch);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding an RTP socket on " + address.getHostAddress(), e);
        } catch (RuntimeException e) {
            throw new IOException("cannot bind an RTP socket on " + address.getHostAddress() + ": " + e, e);
        }
    }

    /** Hands each socket with queued packets one write-all-then-flush task on its event loop. */
    @Override
    public void flush() {
        for (Sender s : flushList) {
            if (!s.pending.isEmpty() && s.scheduled.compareAndSet(false, true)) {
                s.channel.eventLoop().execute(s.drainTask);
            }
        }
    }

    @Override
    public String description() {
        return "batched: " + sockets + " shared UDP socket(s) per phone address, native epoll, sendmmsg per tick";
    }

    /** Packets handed to the transport. */
    long packetsQueued() {
        return queued.get();
    }

    /** Datagrams whose write failed (e.g. socket buffer full); the last error is {@link #lastError()}. */
    long sendErrors() {
        return sendErrors.get();
    }

    String lastError() {
        return lastError;
    }

    /** Writes what is still queued, closes the sockets and stops the event loops. */
    @Override
    public void close() {
        for (Sender s : flushList) {
            s.channel.eventLoop().execute(s::drain);
            s.channel.close();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /**
     * One call's share of a {@link Sender}. Its packets are copied into one direct buffer of its
     * own, reused from packet to packet: each queued packet holds a reference to it, which Netty
     * releases once the datagram is written, so a reference count of one (ours alone) means the
     * previous packet has left and the bytes may be overwritten. While a packet is still queued
     * (several in one tick, or a late drain) the next one gets a new buffer. A phone sends every
     * 20 ms and a tick's packets leave within it: nearly every packet reuses the buffer, and the
     * pacer allocates no buffer per packet.
     */
    private final class PhoneChannel implements Channel {
        private final Sender sender;
        private final InetSocketAddress target;
        private ByteBuf buffer;
        private boolean closed;

        PhoneChannel(Sender sender, InetSocketAddress target) {
            this.sender = sender;
            this.target = target;
        }

        @Override
        public int localPort() {
            return sender.localPort;
        }

        /** Synchronised with {@link #close()}, which a phone may call while a late packet is sent. */
        @Override
        public synchronized void send(byte[] packet, int length) throws IOException {
            if (closed) {
                throw new IOException("RTP channel closed");
            }
            ByteBuf buf = buffer;
            if (buf == null || buf.refCnt() != 1) {
                if (buf != null) {
                    buf.release(); // the queued packet keeps it until it is written
                }
                buf = buffer = alloc.directBuffer(length);
            }
            buf.clear().writeBytes(packet, 0, length);
            sender.pending.add(new DatagramPacket(buf.retain(), target));
            queued.incrementAndGet();
        }

        /**
         * On the socket's event loop, after whatever is queued on it now: written and flushed (a
         * datagram the socket refuses for now stays in Netty's outbound buffer, as any write). The
         * phone waits for it with a time limit, so a task the shutting-down loop drops costs no hang.
         */
        @Override
        public CompletableFuture<Void> sent() {
            CompletableFuture<Void> sent = new CompletableFuture<>();
            try {
                sender.channel.eventLoop().execute(() -> {
                    try {
                        sender.drain();
                    } finally {
                        sent.complete(null);
                    }
                });
            } catch (RuntimeException e) { // the event loop is shutting down: nothing more leaves
                sent.complete(null);
            }
            return sent;
        }

        @Override
        public synchronized void close() {
            // the socket is shared: it closes with the transport; a packet still queued keeps the buffer
            closed = true;
            if (buffer != null) {
                buffer.release();
                buffer = null;
            }
        }
    }

    /** One shared socket and the packets queued on it since its last drain. */
    private static final class Sender {
        final io.netty.channel.Channel channel;
        final int localPort;
        final Queue<DatagramPacket> pending = new ConcurrentLinkedQueue<>();
        final AtomicBoolean scheduled = new AtomicBoolean();
        final Runnable drainTask = this::drain;

        Sender(io.netty.channel.Channel channel) {
            this.channel = channel;
            this.localPort = ((InetSocketAddress) channel.localAddress()).getPort();
        }

        /** On the event loop: write every queued packet, then one flush (one sendmmsg per 1024). */
        void drain() {
            scheduled.set(false);
            DatagramPacket p;
            while ((p = pending.poll()) != null) {
                channel.write(p, channel.voidPromise());
            }
            channel.flush();
        }
    }
}
