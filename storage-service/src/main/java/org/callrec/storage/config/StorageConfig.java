package org.callrec.storage.config;

import java.nio.file.Path;
import java.time.Duration;

import org.callrec.core.chunk.Topics;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Configuration of the storage service. Every key can also be set as an environment variable:
 * upper case, dots and dashes as underscores ({@code storage.s3.bucket} → {@code STORAGE_S3_BUCKET}).
 * The Kafka bootstrap servers are not here: they come from the standard
 * {@code kafka.bootstrap.servers} property ({@code KAFKA_BOOTSTRAP_SERVERS}), like every other
 * {@code kafka.*} client property.
 */
@ConfigMapping(prefix = "storage")
public interface StorageConfig {

    /** Kafka topics and consumer group. */
    Kafka kafka();

    /** The S3 (or S3-compatible) object store. */
    S3 s3();

    /** Retries of failed uploads. */
    UploadRetry uploadRetry();

    /**
     * Local folder for the per-recording spill files (decoded PCM written while a recording is
     * open; deleted once it is stored). Must not be shared by two running instances: leftover
     * spill files are deleted at startup. Defaults to {@code ${java.io.tmpdir}/callrec-storage}.
     */
    @WithDefault("${java.io.tmpdir}/callrec-storage")
    Path workDir();

    /**
     * How far (in media time) a packet may trail the newest one and still be put back in place;
     * later packets are counted late and dropped. Defaults to 500ms.
     */
    @WithDefault("500ms")
    Duration reorderWindow();

    /**
     * Longest hole in the RTP timestamps that is filled with silence; longer ones (a clock jump,
     * a very long pause) are collapsed and listed in the metadata instead. Defaults to 1h.
     */
    @WithDefault("1h")
    Duration maxGap();

    /** Threads that upload finished recordings to S3. Defaults to 4. */
    @WithDefault("4")
    int uploadThreads();

    /**
     * A recording that has seen no record for this long is ended as if its END record had come
     * (stop reason {@code storage-timeout}) and stored, so a lost END cannot hold back the
     * committed offset forever. Defaults to 2h.
     */
    @WithDefault("2h")
    Duration abandonAfter();

    /**
     * How long shutdown waits for uploads in progress before closing; what is not finished by
     * then is re-read from Kafka after the restart. Defaults to 10s.
     */
    @WithDefault("10s")
    Duration shutdownGrace();

    /** Kafka topics and consumer group. */
    interface Kafka {

        /**
         * Topic with the START, MEDIA and END records of every recording, keyed by recording id.
         * Defaults to {@value Topics#MEDIA}.
         */
        @WithDefault(Topics.MEDIA)
        String mediaTopic();

        /**
         * Topic where a {@code recording.completed} event (JSON, keyed by recording id) is
         * published after a recording is stored. Defaults to {@value Topics#COMPLETED}.
         */
        @WithDefault(Topics.COMPLETED)
        String completedTopic();

        /** Consumer group of the storage instances (they share the partitions). Defaults to callrec-storage. */
        @WithDefault("callrec-storage")
        String groupId();

        /** Partitions of the topics this service creates at startup when they are missing. Defaults to 3. */
        @WithDefault("3")
        int topicPartitions();

        /** Replication factor of the topics created at startup. Defaults to 1. */
        @WithDefault("1")
        short replicationFactor();

        /** Longest wait of one poll of the media topic. Defaults to 200ms. */
        @WithDefault("200ms")
        Duration pollTimeout();

        /** How often the consumed offsets are committed (when they moved). Defaults to 1s. */
        @WithDefault("1s")
        Duration commitInterval();

        /**
         * Time limit of one Kafka admin call, commit at shutdown or completion-event send.
         * Defaults to 30s.
         */
        @WithDefault("30s")
        Duration requestTimeout();
    }

    /** The S3 (or S3-compatible) object store. */
    interface S3 {

        /** Endpoint URL of the S3 API. Defaults to http://127.0.0.1:9000. */
        @WithDefault("http://127.0.0.1:9000")
        String endpoint();

        /** Access key. Defaults to callrec. */
        @WithDefault("callrec")
        String accessKey();

        /** Secret key. Defaults to callrec-secret. */
        @WithDefault("callrec-secret")
        String secretKey();

        /** Bucket the recordings are stored in. Defaults to recordings. */
        @WithDefault("recordings")
        String bucket();

        /** Region of the bucket (signing and bucket creation). Defaults to us-east-1. */
        @WithDefault("us-east-1")
        String region();

        /** Create the bucket at startup if it does not exist. Defaults to true. */
        @WithDefault("true")
        boolean createBucket();

        /**
         * Connect, read and write time limit of one HTTP exchange with S3 (not of a whole
         * upload). Defaults to 30s.
         */
        @WithDefault("30s")
        Duration timeout();
    }

    /** Readiness checks. */
    Health health();

    /** Readiness checks (management port, {@code /q/health/ready}). */
    interface Health {
        /**
         * How long the result of a readiness check of Kafka (cluster answers) and S3 (the
         * bucket exists) is reused before it is checked again, in the background. Defaults to 5s.
         */
        @WithDefault("5s")
        Duration checkInterval();

        /**
         * How long one such check may take before readiness reports DOWN; also the HTTP time
         * limit of the S3 check. Defaults to 3s.
         */
        @WithDefault("3s")
        Duration checkTimeout();
    }

    /** Retries of failed uploads: exponential backoff between a first and a largest delay. */
    interface UploadRetry {

        /** Delay before the first retry; doubled for each further one. Defaults to 1s. */
        @WithDefault("1s")
        Duration initialBackoff();

        /** Largest delay between two attempts. Defaults to 1m. */
        @WithDefault("1m")
        Duration maxBackoff();

        /**
         * Attempts per step (WAV, JSON, completion event) before the recording is given up;
         * 0 retries until it succeeds or the service stops. A recording given up keeps holding
         * back the committed offset, so the next start stores it. Defaults to 0.
         */
        @WithDefault("0")
        int maxAttempts();
    }
}
