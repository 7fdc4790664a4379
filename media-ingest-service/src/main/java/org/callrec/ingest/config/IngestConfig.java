package org.callrec.ingest.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Every setting of media-ingest-service. Each key also works as an env var ({@code INGEST_PORTS_MIN}). */
@ConfigMapping(prefix = "ingest")
public interface IngestConfig {

    /** This node's id, written into every recording it holds. Defaults to the host name. */
    Optional<String> nodeId();

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

    /** The UDP port pool. */
    Ports ports();

    /** Batching of packets into Kafka records. */
    Chunk chunk();

    /** Kafka topic settings (the broker itself is {@code kafka.bootstrap.servers}). */
    Kafka kafka();

    /** Readiness checks. */
    Health health();

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

    /** UDP port pool. */
    interface Ports {
        /** Lowest UDP port handed out. Defaults to 40000. */
        @WithDefault("40000")
        int min();

        /** Highest UDP port handed out (inclusive). Defaults to 40999. */
        @WithDefault("40999")
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
         * seconds of audio per call), which is the cheap choice: Vert.x also sizes every read
         * buffer to this value, and 1 MiB read buffers cost ingest ~50% more CPU in the fleet
         * benchmark. Set it (capped by {@code net.core.rmem_max}) only where bursts must be
         * absorbed. Defaults to the OS default.
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

        /** Partitions of the media topic when this node creates it. Defaults to 3. */
        @WithDefault("3")
        int topicPartitions();

        /** Replication factor of the media topic when this node creates it. Defaults to 1. */
        @WithDefault("1")
        short replicationFactor();

        /**
         * Records (start, chunk, end) waiting for the Kafka producer on this node; when full, new
         * chunks are dropped and counted ({@code publish-backlog}). Defaults to 20000.
         */
        @WithDefault("20000")
        int publishQueue();

        /**
         * Bytes of records waiting for the Kafka producer on this node: the heap they may hold.
         * Past it, new chunks are dropped and counted like a full queue. Defaults to 67108864 (64 MiB).
         */
        @WithDefault("67108864")
        long publishQueueBytes();
    }
}
