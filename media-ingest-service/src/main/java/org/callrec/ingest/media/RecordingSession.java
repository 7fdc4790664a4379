package org.callrec.ingest.media;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.callrec.core.allocation.ReleaseResult;
import org.callrec.core.chunk.ChunkCodec;
import org.callrec.core.chunk.DropReason;
import org.callrec.core.chunk.MediaChunkBuilder;
import org.callrec.core.chunk.RecordOrigin;
import org.callrec.core.chunk.RecordingAlive;
import org.callrec.core.chunk.RecordingEnded;
import org.callrec.core.chunk.RecordingStarted;
import org.callrec.core.chunk.StopReason;
import org.callrec.core.rtp.RtpHeader;
import org.callrec.ingest.kafka.MediaPublisher;
import org.callrec.ingest.kafka.PublishAccount;

import io.netty.buffer.ByteBuf;
import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * One recording held by this node: its UDP socket, the chunk being filled, its counters, the
 * source it latched onto ({@link StreamLatch}) and when it last accepted a packet.
 *
 * <p>The packet path ({@link #onPacket}) copies the datagram into a scratch array owned by the
 * session, checks it and appends it to the current chunk; it allocates nothing of its own and
 * never blocks (a full publish buffer drops the chunk and counts its packets). Packets run on the
 * socket's event loop, flushes on a timer, the end on a worker: the chunk is guarded by this
 * object's monitor, which is never held across I/O.
 *
 * <p>The end: after its release the session accepts packets for the release linger, then
 * {@link #drainUntil drains} its socket (a marker datagram sent to the socket itself comes back
 * behind every datagram queued before it), then {@link #end ends}; from then on its socket rests
 * with the port in quarantine and whatever still arrives is counted {@code after-release}.
 */
public final class RecordingSession {

    private final RecordingStarted start;
    private final StreamLatch latch;
    private final MediaSocket socket;
    private final MediaPublisher publisher;
    private final PacketCounters counters;
    private final PublishAccount account;
    private final MediaChunkBuilder chunk;
    private final byte[] scratch;
    private final long chunkNanos;
    private final long epochMicrosAtStart = System.currentTimeMillis() * 1000L;
    private final long nanosAtStart = System.nanoTime();

    private int chunkIndex;
    private long chunkOpenedNanos;
    private boolean ended;
    /** Ended, and the socket rests in quarantine: what arrives now is {@code after-release}. */
    private boolean resting;
    private long accepted;
    private long foreign;
    private long foreignPort;
    private long malformed;
    private long oversize;
    private long backlog;
    private long recordingBacklog;
    /** Arrival (nanoTime) of the last accepted packet; 0: none yet. */
    private long lastAcceptedNanos;
    private long firstAcceptedMillis;
    private long lastAcceptedMillis;
    /** When the stop was handled (epoch ms), 0 before; {@link #accepted} at that moment. */
    private long stopHandledMillis;
    private long acceptedAtStop;
    /** The marker datagram whose return ends the drain; null when not draining. */
    private byte[] drainMarker;
    private Promise<Boolean> drained;
    /** When the last record of this recording was handed to the publisher (nanoTime). */
    private long lastPublishNanos = System.nanoTime();
    /** When control-service last renewed the lease (nanoTime). */
    private volatile long leaseRenewedNanos = System.nanoTime();

    /**
     * @param phoneAddress    the START's phone address ({@link RecordingStarted#phoneAddress()}, an
     *                        IP literal), parsed
     * @param socket          the recording's socket; null for a recovered recording whose port
     *                        could not be bound again (it can only be ended)
     * @param sameHostSources when the phone runs on this node's own host (the local run, tests),
     *                        the host's own addresses, any of which its packets may come from
     *                        (a phone that reached control through 10.0.0.5 sends to an
     *                        advertised 127.0.0.1 from 127.0.0.1); empty otherwise
     * @param counters        the node's packet counters, shared by all its recordings
     * @param relatchNanos    silence of the latched source after which another source of the
     *                        phone's address with its SSRC may take over (0: never), see {@link StreamLatch}
     */
    public RecordingSession(RecordingStarted start, InetAddress phoneAddress, MediaSocket socket, MediaPublisher publisher,
                            int chunkMaxBytes, int maxDatagramBytes, long chunkNanos, Set<InetAddress> sameHostSources,
                            PacketCounters counters, long relatchNanos) {
        this.start = start;
        this.counters = counters;
        this.latch = new StreamLatch(phoneAddress, sameHostSources, relatchNanos);
        this.socket = socket;
        this.publisher = publisher;
        this.account = new PublishAccount(start.recordingId(), RecordOrigin.of(start));
        this.chunk = new MediaChunkBuilder(chunkMaxBytes, maxDatagramBytes);
        this.scratch = new byte[maxDatagramBytes];
        this.chunkNanos = chunkNanos;
    }

    public RecordingStarted start() {
        return start;
    }

    public int port() {
        return start.mediaPort();
    }

    /** This recording's share of the publisher. */
    public PublishAccount account() {
        return account;
    }

    /** Renews the lease (control-service still holds the recording). */
    public void renewLease(long nowNanos) {
        leaseRenewedNanos = nowNanos;
    }

    /** Whether the lease was last renewed longer than {@code ttlNanos} before {@code nowNanos}. */
    public boolean leaseLapsed(long nowNanos, long ttlNanos) {
        return nowNanos - leaseRenewedNanos > ttlNanos;
    }

    /**
     * Whether the recording has outlived its bounds, and which: {@code max-duration} once it
     * has lasted {@code maxDurationMillis} (or its tenant's shorter limit, carried by the START)
     * since its START (a recovered recording counts from its START too), {@code media-timeout} once it accepted no packet for
     * {@code mediaTimeoutNanos}, or none at all {@code firstMediaTimeoutNanos} after it was
     * opened here. Null while it may go on.
     */
    public synchronized StopReason outlived(long nowNanos, long maxDurationMillis, long mediaTimeoutNanos,
                                            long firstMediaTimeoutNanos) {
        long lastedMillis = epochMicrosAtStart / 1000L - start.startedAtMillis() + (nowNanos - nanosAtStart) / 1_000_000L;
        long limit = start.maxDurationMillis() > 0 ? Math.min(maxDurationMillis, start.maxDurationMillis())
                : maxDurationMillis;
        if (lastedMillis >= limit) {
            return StopReason.MAX_DURATION;
        }
        boolean silent = lastAcceptedNanos == 0
                ? nowNanos - nanosAtStart >= firstMediaTimeoutNanos
                : nowNanos - lastAcceptedNanos >= mediaTimeoutNanos;
        return silent ? StopReason.MEDIA_TIMEOUT : null;
    }

    /**
     * Sends an ALIVE record if nothing was published for this recording for
     * {@code intervalNanos} (a silent call). Never blocks; a refused ALIVE is not counted.
     */
    public synchronized void aliveIfDue(long nowNanos, long intervalNanos, String nodeId) {
        if (ended || nowNanos - lastPublishNanos < intervalNanos) {
            return;
        }
        byte[] alive = ChunkCodec.encodeAlive(new RecordingAlive(start.recordingId(), nodeId, System.currentTimeMillis()));
        if (publisher.offer(account, alive, 0) == MediaPublisher.Outcome.QUEUED) {
            lastPublishNanos = nowNanos;
        }
    }

    /** Publishes what the current chunk holds, without ending the recording (hand-over at shutdown). */
    public synchronized void flush() {
        if (!ended && chunk.packetCount() > 0) {
            publishChunk();
        }
        ended = true;
    }

    /** Starts reading the UDP socket: from now on its datagrams reach {@link #onPacket}. */
    public void listen() {
        if (socket != null) {
            socket.handler(this::onPacket);
        }
    }

    /** Closes the UDP socket. */
    public Future<Void> closeSocket() {
        return socket == null ? Future.succeededFuture() : socket.close();
    }

    /** The stop was handled now (release, or the node's own decision to end): counts from here are "after the stop". */
    public synchronized void stopHandled() {
        if (stopHandledMillis == 0) {
            stopHandledMillis = System.currentTimeMillis();
            acceptedAtStop = accepted;
        }
    }

    /**
     * Starts the drain: {@code marker}, sent to this socket by the caller right after, comes
     * back behind every datagram queued on the socket before it; the future completes with
     * true then, or with false when {@link #drainTimedOut} comes first.
     */
    public synchronized Future<Boolean> drainUntil(byte[] marker) {
        drainMarker = marker.clone();
        drained = Promise.promise();
        return drained.future();
    }

    /** The drain's marker did not come back in time. */
    public void drainTimedOut() {
        Promise<Boolean> p;
        synchronized (this) {
            p = drained;
            drainMarker = null;
        }
        if (p != null) {
            p.tryComplete(false);
        }
    }

    /** The recording ended and its socket rests with the port: what arrives now is counted {@code after-release}. */
    public synchronized void rest() {
        resting = true;
    }

    /**
     * The packet path: check source and shape, latch, append to the current chunk. {@code data}
     * is read from its reader index and not kept.
     */
    public void onPacket(ByteBuf data, InetSocketAddress sender) {
        int len = data.readableBytes();
        int from = data.readerIndex();
        Promise<Boolean> done = null;
        synchronized (this) {
            if (drainMarker != null && len == drainMarker.length) {
                data.getBytes(from, scratch, 0, len);
                if (Arrays.equals(scratch, 0, len, drainMarker, 0, len)) {
                    drainMarker = null;
                    done = drained;
                }
            }
            if (done == null) {
                accept(data, from, len, sender);
            }
        }
        if (done != null) {
            done.tryComplete(true);
        }
    }

    private void accept(ByteBuf data, int from, int len, InetSocketAddress sender) {
        counters.received.increment();
        if (ended) {
            (resting ? counters.afterRelease : counters.ended).increment();
            return;
        }
        InetAddress source = sender.getAddress();
        if (!latch.allowedAddress(source)) {
            counters.foreignSource.increment();
            foreign++;
            return;
        }
        if (len > scratch.length) {
            counters.oversize.increment();
            oversize++;
            return;
        }
        data.getBytes(from, scratch, 0, len);
        if (RtpHeader.check(scratch, 0, len) != RtpHeader.Problem.NONE) {
            counters.malformed.increment();
            malformed++;
            return;
        }
        long now = System.nanoTime();
        switch (latch.admit(source, sender.getPort(), RtpHeader.ssrc(scratch, 0), now)) {
            case FOREIGN_PORT -> {
                counters.foreignPort.increment();
                foreignPort++;
                return;
            }
            case RELATCHED -> counters.relatched.increment();
            case ACCEPT -> {
            }
        }
        if (!chunk.fits(len)) {
            publishChunk();
        }
        if (chunk.packetCount() == 0) {
            chunkOpenedNanos = now;
        }
        long arrivalMicros = epochMicrosAtStart + (now - nanosAtStart) / 1000L;
        chunk.append(arrivalMicros, scratch, 0, len);
        accepted++;
        if (lastAcceptedNanos == 0) {
            firstAcceptedMillis = arrivalMicros / 1000L;
        }
        lastAcceptedNanos = now;
        lastAcceptedMillis = arrivalMicros / 1000L;
    }

    /** Publishes the current chunk if it has been open for a chunk's duration. */
    public synchronized void flushIfDue(long nowNanos) {
        if (!ended && chunk.packetCount() > 0 && nowNanos - chunkOpenedNanos >= chunkNanos) {
            publishChunk();
        }
    }

    /**
     * Ends the recording: publishes the last chunk and queues the end record (past every bound:
     * without it storage cannot close the recording). Never blocks.
     *
     * @param tailDrained whether the socket's queue was read to its end first
     */
    public synchronized void end(String reason, Map<String, String> stopFields, boolean tailDrained) {
        if (chunk.packetCount() > 0 && !ended) {
            publishChunk();
        }
        ended = true;
        long now = System.currentTimeMillis();
        RecordingEnded end = new RecordingEnded(start.recordingId(), reason, now, accepted, droppedByReason(),
                chunkIndex, stopFields, stopHandledMillis == 0 ? now : stopHandledMillis, firstAcceptedMillis,
                lastAcceptedMillis, stopHandledMillis == 0 ? 0 : Math.max(0, accepted - acceptedAtStop), tailDrained);
        publisher.offerControl(account, ChunkCodec.encodeEnd(end));
    }

    /** Counters so far. */
    public synchronized ReleaseResult result() {
        return new ReleaseResult(start.recordingId(), accepted, droppedByReason(), chunkIndex);
    }

    /** The latched source ({@code host:port}), or null before the first valid packet. */
    public synchronized String latchedSource() {
        return latch.latched();
    }

    /** The keys of {@link ReleaseResult#droppedByReason()} and of the END record's counts. */
    private Map<String, Long> droppedByReason() {
        Map<String, Long> m = new LinkedHashMap<>();
        putIfPositive(m, DropReason.FOREIGN_SOURCE, foreign);
        putIfPositive(m, DropReason.FOREIGN_PORT, foreignPort);
        putIfPositive(m, DropReason.MALFORMED, malformed);
        putIfPositive(m, DropReason.OVERSIZE, oversize);
        putIfPositive(m, DropReason.PUBLISH_BACKLOG, backlog);
        putIfPositive(m, DropReason.RECORDING_BACKLOG, recordingBacklog);
        // Refused by Kafka so far: the END record may itself wait for chunks still in flight.
        putIfPositive(m, DropReason.PUBLISH_FAILED, account.failedPackets());
        return m;
    }

    private static void putIfPositive(Map<String, Long> m, DropReason reason, long v) {
        if (v > 0) {
            m.put(reason.token(), v);
        }
    }

    private void publishChunk() {
        int packets = chunk.packetCount();
        byte[] value = chunk.drain(chunkIndex);
        switch (publisher.offer(account, value, packets)) {
            case QUEUED -> {
                chunkIndex++;
                lastPublishNanos = System.nanoTime();
                counters.chunksPublished.increment();
            }
            case NODE_FULL -> {
                counters.publishBacklog.add(packets);
                backlog += packets;
                accepted -= packets;
            }
            case RECORDING_FULL -> {
                counters.recordingBacklog.add(packets);
                recordingBacklog += packets;
                accepted -= packets;
            }
        }
    }
}
