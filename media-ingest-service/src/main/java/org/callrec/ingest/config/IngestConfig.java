package org.callrec.ingest.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Every setting of media-ingest-service. Each key also works as an env var ({@code INGEST_PORTS_MIN}). */
/*
 * Why ~400 lines: this is the service's one configuration mapping, and each key carries its
 * documentation here; it holds no logic.
 */
@ConfigMapping(prefix = "ingest")
public interface IngestConfig {

    /**
     * This node's id, written into every recording it holds and into its allocation journal: a
     * node that starts again with the same id takes over the recordings the journal says it
     * held. It must be stable across restarts and unique among the nodes (in Kubernetes the
     * StatefulSet pod name). Defaults to the host name.
     */
    Optional<String> nodeId();

    /**
     * How long an open recording may publish nothing before this node sends an ALIVE record for
     * it, so storage can tell a silent call (hold, mute) from a lost node. Defaults to 5s.
     */
    @WithDefault("5s")
    Duration aliveInterval();

    /** Leases of the recordings, renewed by control-service. */
    Lease lease();

    /** Taking over this node's recordings after a restart. */
    Recovery recovery();

    /** What happens on SIGTERM. */
    Shutdown shutdown();

    /**
     * The address phones are told to send RTP to ({@code server=} in the start answer): an IP or
     * host name they can reach. Defaults to 127.0.0.1 (local run only).
     */
    @WithDefault("127.0.0.1")
    String advertisedAddress();

    /** Local address the UDP sockets bind to. Defaults to 0.0.0.0 (all interfaces). */
    @WithDefault("0.0.0.0")
    String bindAddress();

    /**
     * After a release, how long the recording still accepts packets already on their way from
     * the phone before its last chunk and end record are published. Defaults to 200ms.
     */
    @WithDefault("200ms")
    Duration releaseLinger();

    /**
     * After the release linger, the node reads every datagram still queued on the recording's
     * socket before it publishes the END and closes it (a marker datagram sent to the socket
     * itself tells it when the queue is read). If the marker has not come back within this
     * time (a full socket buffer dropped it), the recording ends anyway and its END says
     * {@code tailDrained=false}. Defaults to 2s.
     */
    @WithDefault("2s")
    Duration releaseDrainTimeout();

    /** How long a recording may last and which source it accepts. */
    Recording recording();

    /** Refusing new recordings while the packet path falls behind. */
    Overload overload();

    /** The UDP port pool. */
    Ports ports();

    /** Which recording ids an allocation may carry (each is accepted once). */
    RecordingIds recordingIds();

    /** Batching of packets into Kafka records. */
    Chunk chunk();

    /**
     * Kafka topic settings (the broker and the client properties are {@code kafka.bootstrap.servers}
     * and every other {@code kafka.*} property, see {@code KafkaClientProperties}).
     */
    Kafka kafka();

    /** Readiness checks. */
    Health health();

    /** The internal API's credential (control-service calls it). */
    Api api();

    /** Who may call the internal API ({@code org.callrec.core.allocation.InternalApi}). */
    interface Api {
        /**
         * File of the bearer token(s) every call to the internal API must carry
         * ({@code Authorization: Bearer <token>}): one per line, 16 to 512 characters
         * {@code [A-Za-z0-9._~+/=-]}, blank lines and {@code #} comments ignored; every token in
         * it is accepted (two during a rotation). The node does not start without a usable file.
         * Defaults to nothing: required in every profile but {@code %test}.
         */
        Path tokenFile();

        /**
         * How often the token file is read again, so that a rotated token (a Kubernetes Secret
         * is updated in place) is accepted without a restart; a file that became unusable keeps
         * the tokens read before (logged at WARN). Defaults to 10s.
         */
        @WithDefault("10s")
        Duration tokenReloadInterval();
    }

    /**
     * Recording ids: control-service mints each one (a UUIDv7); this node accepts one only if it is
     * a canonical UUIDv7 whose embedded time is within {@link #window()} of this node's clock and
     * that it has not accepted before (remembered for that window), so an id is never accepted twice.
     */
    interface RecordingIds {
        /**
         * How far an id's embedded time may be from this node's clock (either way); also how long
         * an accepted id is remembered. Bounds the clock skew between control and ingest.
         * Defaults to 60s.
         */
        @WithDefault("60s")
        Duration window();

        /**
         * How many ids the node remembers within {@link #window()}; when that many are held,
         * further allocations are refused with {@code no-capacity} (never an id forgotten early).
         * ~100 bytes each; 100,000 within 60s is 1,600 allocations a second. Defaults to 100000.
         */
        @WithDefault("100000")
        int remembered();
    }

    /** A recording's lifetime and its stream's source. */
    interface Recording {
        /**
         * Longest recording: one open longer than this (counted from its START, across a
         * recovery) is ended with reason {@code max-duration}, keeping all audio so far. A
         * whole working day, so that no real call is cut, while a call nobody stops cannot
         * hold its Kafka partition's commit back for days. Defaults to 8h.
         */
        @WithDefault("8h")
        Duration maxDuration();

        /**
         * A recording that accepted no packet for this long is ended with reason
         * {@code media-timeout}. Most phones keep sending RTP on hold and mute (silence or
         * comfort noise); some send nothing at all while held, hence an hour. Defaults to 1h.
         */
        @WithDefault("1h")
        Duration mediaTimeout();

        /**
         * A recording that has accepted no packet at all this long after its allocation (or
         * recovery) is ended with reason {@code media-timeout}: a phone's first RTP comes within
         * a second of the start answer, so this is a stream blocked on the way (firewall, NAT,
         * wrong address). Defaults to 2m.
         */
        @WithDefault("2m")
        Duration firstMediaTimeout();

        /**
         * Re-latching. A recording locks onto the source address and port of its first valid
         * RTP packet and drops what comes from elsewhere ({@code foreign-port}). Set this to let
         * a NAT that gave the phone a new port after a silence (UDP mappings expire after 30 s
         * or more without traffic) keep the recording: when the latched source has sent nothing
         * for this long, a packet from the phone's IP address (any port) that carries the SSRC
         * the latched source sent last becomes the new source. Off by default: it would let
         * whoever shares the phone's address and knows its SSRC take over a silent call.
         * Defaults to 0s (never).
         */
        @WithDefault("0s")
        Duration relatchAfter();
    }

    /** Overload: the node's own measure of how far its packet path is behind. */
    interface Overload {
        /**
         * The node refuses new recordings ({@code 503 no-capacity}; control-service tries
         * its next node) while one of its event loops (they read the UDP sockets) ran two probes
         * in a row this much later than asked: a loop that late reads each of its sockets only a
         * few times a second, and a call's socket queue then grows towards the kernel's drop;
         * one late probe (a GC pause, a class loaded on first use) does not count. {@code 0s}
         * switches the refusal off.
         * Defaults to 250ms.
         */
        @WithDefault("250ms")
        Duration maxEventLoopDelay();

        /** How often each event loop is probed. Defaults to 50ms. */
        @WithDefault("50ms")
        Duration probeInterval();

        /**
         * After the last probe that was late by more than {@code max-event-loop-delay}, the
         * node keeps refusing for this long (no flapping with every probe). Defaults to 2s.
         */
        @WithDefault("2s")
        Duration hold();
    }

    /** Readiness checks (management port, {@code /q/health/ready}). */
    interface Health {
        /**
         * How long the result of a remote readiness check (Kafka reachable, advertised address
         * resolvable, UDP bind address usable) is reused before it is checked again, in the
         * background. Defaults to 5s.
         */
        @WithDefault("5s")
        Duration checkInterval();

        /** How long one such check may take before readiness reports DOWN. Defaults to 3s. */
        @WithDefault("3s")
        Duration checkTimeout();
    }

    /** Leases (control-service renews them every {@code control.lease.renew-interval}). */
    interface Lease {
        /**
         * A recording whose lease was last renewed (or allocated, or recovered) longer ago than
         * this is ended with reason {@code control-lost}, keeping all audio so far: its control
         * session is gone and nobody would ever stop it. Must be well above control's renew
         * interval. Defaults to 45s.
         */
        @WithDefault("45s")
        Duration ttl();
    }

    /** Allocation journal and recovery. */
    interface Recovery {
        /**
         * Whether allocations are written to the journal topic and taken over again when the
         * node starts with the same {@code ingest.node-id}. Defaults to true.
         */
        @WithDefault("true")
        boolean enabled();

        /**
         * Longest time the start waits to read the journal; past it (Kafka unreachable) the node
         * starts without its previous recordings. Defaults to 30s.
         */
        @WithDefault("30s")
        Duration timeout();
    }

    /** Graceful shutdown (SIGTERM). */
    interface Shutdown {
        /**
         * After SIGTERM the node is not ready and takes no new recordings, but keeps recording
         * the open ones until they end or this time has passed. Defaults to 20s.
         */
        @WithDefault("20s")
        Duration drain();

        /**
         * What happens to recordings still open after the drain. True: their last chunks are
         * published but no END and no journal tombstone, so the node that starts next with the
         * same {@code ingest.node-id} continues them (a rolling restart loses only the audio
         * sent while no node listened); if none comes, storage ends them as {@code ingest-lost}.
         * False: they end with reason {@code ingest-shutdown}. Defaults to true.
         */
        @WithDefault("true")
        boolean handOver();

        /**
         * How long the shutdown waits for Kafka to acknowledge what is still buffered before it
         * gives up on it (and logs what it lost). Defaults to 10s.
         */
        @WithDefault("10s")
        Duration flushTimeout();
    }

    /** UDP port pool. */
    interface Ports {
        /** Lowest UDP port handed out. Defaults to 40000. */
        @WithDefault("40000")
        int min();

        /**
         * Highest UDP port handed out (inclusive). A recording holds its port for the call and
         * the quarantine after it: size the range to at least calls × (1 + quarantine / mean
         * call length) (docs, "Sizing the port range"). Defaults to 49999 (10,000 ports).
         */
        @WithDefault("49999")
        int max();

        /**
         * How long a released port stays out of the pool, so that a phone still sending to it
         * cannot leak audio into the next recording. Defaults to 30s.
         */
        @WithDefault("30s")
        Duration quarantine();

        /**
         * Receive buffer size asked of the OS per UDP socket, bytes. Unset (the default), the
         * socket gets the OS default ({@code net.core.rmem_default}, ~208 KiB on Linux: a few
         * seconds of audio per call). Set it (capped by {@code net.core.rmem_max}) only where
         * bursts must be absorbed: it is kernel memory per port. Defaults to the OS default.
         */
        Optional<Integer> receiveBufferBytes();
    }

    /** Chunking. */
    interface Chunk {
        /** A recording's packets are published at least this often. Defaults to 200ms. */
        @WithDefault("200ms")
        Duration duration();

        /**
         * Largest chunk, bytes; a full chunk is published at once. Also the bound of what a
         * recording holds in memory. Defaults to 32768.
         */
        @WithDefault("32768")
        int maxBytes();

        /** Largest accepted datagram, bytes; longer ones are dropped as {@code oversize}. Defaults to 1500. */
        @WithDefault("1500")
        int maxDatagramBytes();
    }

    /** Kafka topics and the node's publish queue. */
    interface Kafka {
        /** Topic of start records, media chunks and end records. Defaults to callrec.recording.media. */
        @WithDefault(org.callrec.core.chunk.Topics.MEDIA)
        String mediaTopic();

        /**
         * Partitions of the media topic when this node creates it. This service owns the media
         * and allocations topics: it creates them from these settings (storage-service only
         * checks the media topic); an existing topic is left as it is, with a WARN where it
         * differs. Defaults to 3.
         */
        @WithDefault("3")
        int topicPartitions();

        /**
         * Replication factor of the media and allocations topics when this node creates them (3
         * on a production cluster). Defaults to 1.
         */
        @WithDefault("1")
        short replicationFactor();

        /**
         * Retention ({@code retention.ms}) of the media topic when this node creates it (deletion
         * by time only, no size limit). Must exceed the longest call plus the longest S3 outage
         * and storage downtime to survive: storage reads an unstored recording again from its
         * START record, which must still be there. Defaults to 7d.
         */
        @WithDefault("7d")
        Duration retention();

        /**
         * {@code min.insync.replicas} of the media and allocations topics when this node creates
         * them (the producers use {@code acks=all}: a write needs this many replicas); use 2 with
         * a replication factor of 3. Defaults to the broker's setting.
         */
        OptionalInt minInsyncReplicas();

        /** Compacted topic of this node's allocations (recovery). Defaults to callrec.ingest.allocations. */
        @WithDefault(org.callrec.core.chunk.Topics.INGEST_ALLOCATIONS)
        String allocationsTopic();

        /**
         * Partitions of the allocations topic when this node creates it (it is read whole at
         * start; the replication factor is {@code replication-factor}). Defaults to 1.
         */
        @WithDefault("1")
        int allocationsPartitions();

        /**
         * Records (start, chunk, ALIVE, end) handed to Kafka and not yet acknowledged on this
         * node, e.g. while the broker is unreachable; past it new chunks are dropped and counted
         * ({@code publish-backlog}). Defaults to 20000.
         */
        @WithDefault("20000")
        int publishQueue();

        /**
         * Bytes of records not yet acknowledged by Kafka on this node: the heap they may hold
         * (about 2 hours of one G.711 call per 64 MiB). Past it, new chunks are dropped and
         * counted ({@code publish-backlog}). Defaults to 67108864 (64 MiB).
         */
        @WithDefault("67108864")
        long publishQueueBytes();

        /**
         * Bytes of one recording not yet acknowledged by Kafka (about 7 minutes of G.711 or
         * G.722 per 4 MiB), so that one call cannot take the whole node buffer; past it the
         * recording's new chunks are dropped and counted ({@code recording-backlog}).
         * Defaults to 4194304 (4 MiB).
         */
        @WithDefault("4194304")
        long recordingBufferBytes();

        /**
         * How long the producer keeps retrying a record while the broker is unreachable before
         * it gives up on it ({@code delivery.timeout.ms}); a record given up on is counted
         * ({@code publish-failed}) and logged once per recording, never silently lost. Should
         * exceed the longest broker outage to ride out. Defaults to 10m.
         */
        @WithDefault("10m")
        Duration deliveryTimeout();
    }
}
