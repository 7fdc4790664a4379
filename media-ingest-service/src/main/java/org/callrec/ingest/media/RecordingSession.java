package org.callrec.ingest.media;

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
import org.callrec.core.rtp.RtpHeader;
import org.callrec.ingest.kafka.MediaPublisher;
import org.callrec.ingest.kafka.PublishAccount;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;

/**
 * One recording held by this node: its UDP socket, the chunk being filled, and its counters.
 *
 * <p>The packet path ({@link #onPacket}) copies the datagram into a scratch array owned by the
 * session, checks it and appends it to the current chunk; it allocates nothing of its own and
 * never blocks (a full publish buffer drops the chunk and counts its packets). Packets run on the
 * socket's event loop, flushes on a timer, the end on a worker: the chunk is guarded by this
 * object's monitor, which is never held across I/O.
 */
public final class RecordingSession {

    private final RecordingStarted start;
    private final Set<String> sameHostSources;
    private final DatagramSocket socket;
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
    private long accepted;
    private long foreign;
    private long malformed;
    private long oversize;
    private long backlog;
    private long recordingBacklog;
    /** When the last record of this recording was handed to the publisher (nanoTime). */
    private long lastPublishNanos = System.nanoTime();
    /** When control-service last renewed the lease (nanoTime). */
    private volatile long leaseRenewedNanos = System.nanoTime();

    /**
     * @param sameHostSources when the phone runs on this node's own host (the local run, tests),
     *                        the host's own addresses, any of which its packets may come from
     *                        (a phone that reached control through 10.0.0.5 sends to an
     *                        advertised 127.0.0.1 from 127.0.0.1); empty otherwise
     * @param counters        the node's packet counters, shared by all its recordings
     */
    public RecordingSession(RecordingStarted start, DatagramSocket socket, MediaPublisher publisher,
                            int chunkMaxBytes, int maxDatagramBytes, long chunkNanos, Set<String> sameHostSources,
                            PacketCounters counters) {
        this.start = start;
        this.counters = counters;
        this.sameHostSources = sameHostSources;
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
        socket.handler(this::onPacket);
    }

    /** Closes the UDP socket (asynchronously). */
    public void closeSocket() {
        socket.close();
    }

    /** The packet path: check source and shape, append to the current chunk. */
    public void onPacket(DatagramPacket packet) {
        Buffer data = packet.data();
        int len = data.length();
        String source = packet.sender().host();
        counters.received.increment();
        if (!start.phoneAddress().equals(source) && !sameHostSources.contains(source)) {
            counters.foreignSource.increment();
            synchronized (this) {
                foreign++;
            }
            return;
        }
        synchronized (this) {
            if (ended) {
                counters.ended.increment();
                return;
            }
            if (len > scratch.length) {
                counters.oversize.increment();
                oversize++;
                return;
            }
            data.getBytes(0, len, scratch, 0);
            if (RtpHeader.check(scratch, 0, len) != RtpHeader.Problem.NONE) {
                counters.malformed.increment();
                malformed++;
                return;
            }
            long now = System.nanoTime();
            if (!chunk.fits(len)) {
                publishChunk();
            }
            if (chunk.packetCount() == 0) {
                chunkOpenedNanos = now;
            }
            chunk.append(epochMicrosAtStart + (now - nanosAtStart) / 1000L, scratch, 0, len);
            accepted++;
        }
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
     */
    public synchronized void end(String reason, Map<String, String> stopFields) {
        if (chunk.packetCount() > 0 && !ended) {
            publishChunk();
        }
        ended = true;
        RecordingEnded end = new RecordingEnded(start.recordingId(), reason, System.currentTimeMillis(), accepted,
                droppedByReason(), chunkIndex, stopFields);
        publisher.offerControl(account, ChunkCodec.encodeEnd(end));
    }

    /** Counters so far. */
    public synchronized ReleaseResult result() {
        return new ReleaseResult(start.recordingId(), accepted, droppedByReason(), chunkIndex);
    }

    /** The keys of {@link ReleaseResult#droppedByReason()} and of the END record's counts. */
    private Map<String, Long> droppedByReason() {
        Map<String, Long> m = new LinkedHashMap<>();
        putIfPositive(m, DropReason.FOREIGN_SOURCE, foreign);
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
