package org.callrec.storage.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

import org.callrec.core.chunk.Topics;
import org.callrec.core.timeline.GapHandling;
import org.callrec.storage.assemble.OutputFormat;

import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * Configuration of the storage service. Every key can also be set as an environment variable:
 * upper case, dots and dashes as underscores ({@code storage.s3.bucket} → {@code STORAGE_S3_BUCKET}).
 * The Kafka bootstrap servers are not here: they come from the standard
 * {@code kafka.bootstrap.servers} property ({@code KAFKA_BOOTSTRAP_SERVERS}), like every other
 * {@code kafka.*} client property.
 *
 * <p>Why ~450 lines: this is the service's one configuration mapping, and each of its keys
 * carries its documentation here; it holds no logic.
 */
@ConfigMapping(prefix = "storage")
public interface StorageConfig {

    /** Kafka topics and consumer group. */
    Kafka kafka();

    /** The S3 (or S3-compatible) object store. */
    S3 s3();

    /** Retries of failed uploads. */
    UploadRetry uploadRetry();

    /** The import endpoint for the phone's own recording files ({@code POST /api/v1/imports}). */
    @WithName("import")
    Import imports();

    /**
     * Local folder for the per-recording spill files (each segment's WAV file, written while a
     * recording is open; deleted once it is stored). Must not be shared by two running instances: leftover
     * spill files are deleted at startup. Defaults to {@code ${java.io.tmpdir}/callrec-storage}.
     */
    @WithDefault("${java.io.tmpdir}/callrec-storage")
    Path workDir();

    /** The folder of the imports' work files: {@code storage.import.work-dir}, else {@code storage.work-dir/imports}. */
    default Path importWorkDir() {
        return imports().workDir().orElseGet(() -> workDir().resolve("imports")).toAbsolutePath().normalize();
    }

    /**
     * How far (in media time) a packet may trail the newest one and still be put back in place;
     * later packets are counted late and dropped. Defaults to 500ms.
     */
    @WithDefault("500ms")
    Duration reorderWindow();

    /** What becomes of long gaps in the RTP (hold, mute, a phone that paused). */
    Gap gap();

    /** Format of the stored audio. */
    Output output();

    /** Splitting long recordings into several files. */
    Segment segment();

    /** Threads that upload finished recordings to S3. Defaults to 4. */
    @WithDefault("4")
    int uploadThreads();

    /**
     * An open recording for which no record (MEDIA or ALIVE) was appended to the media topic for
     * this long is ended with stop reason {@code ingest-lost} and stored with all the audio it
     * received: its ingest node is gone (ingest nodes send an ALIVE record every
     * {@code ingest.alive-interval} for silent recordings). Silence is only counted over time this
     * instance has provably read its partitions up to date: a backlog after a restart or a broker
     * outage never counts. Keep it well above {@code ingest.alive-interval}. Defaults to 60s.
     */
    @WithDefault("60s")
    Duration ingestLostAfter();

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

        /**
         * Partitions of the completed topic, which this service owns and creates at startup when
         * it is missing (an existing topic is left as it is). The media topic is
         * media-ingest-service's ({@code ingest.kafka.*}): storage only waits for it and checks
         * it. Defaults to 3.
         */
        @WithDefault("3")
        int topicPartitions();

        /**
         * Replication factor of the completed topic when this service creates it; use 3 on a
         * production cluster. Defaults to 1.
         */
        @WithDefault("1")
        short replicationFactor();

        /**
         * {@code min.insync.replicas} of the completed topic when this service creates it (with
         * {@code acks=all}, a write needs this many replicas); unset keeps the broker's default.
         * Use 2 with a replication factor of 3. Defaults to the broker's setting.
         */
        OptionalInt minInsyncReplicas();

        /**
         * {@code retention.ms} of the completed topic when this service creates it: how long
         * downstream consumers can fall behind. (The media topic's retention, which must exceed
         * the longest call plus the longest S3 outage and storage downtime to survive, is
         * {@code ingest.kafka.retention}.) Defaults to 7d.
         */
        @WithDefault("7d")
        Duration retention();

        /** Longest wait of one poll of the media topic. Defaults to 200ms. */
        @WithDefault("200ms")
        Duration pollTimeout();

        /** How often the consumed offsets are committed (when they moved). Defaults to 1s. */
        @WithDefault("1s")
        Duration commitInterval();

        /**
         * Time limit of one Kafka admin call or commit at shutdown. (The completion-event send has
         * the producer's own limits: {@code mp.messaging.outgoing.completed-out.*}.) Defaults to 30s.
         */
        @WithDefault("30s")
        Duration requestTimeout();
    }

    /** The S3 (or S3-compatible) object store. */
    interface S3 {

        /** Endpoint URL of the S3 API. Defaults to http://127.0.0.1:9000. */
        @WithDefault("http://127.0.0.1:9000")
        String endpoint();

        /**
         * Access key. Required outside the {@code dev}, {@code test} and {@code local} profiles
         * (which use {@code callrec}). Defaults to nothing.
         */
        Optional<String> accessKey();

        /**
         * Secret key; prefer {@code storage.s3.secret-key-file} (or the environment variable
         * {@code STORAGE_S3_SECRET_KEY}): never pass it as {@code -D} on a command line. Outside
         * the {@code dev}, {@code test} and {@code local} profiles one of the two is required and a
         * well-known default ({@code callrec-secret}, {@code minioadmin} …) refuses to start.
         * Defaults to nothing ({@code callrec-secret} in {@code dev} and {@code test}).
         */
        Optional<String> secretKey();

        /**
         * A file holding the secret key (one line; surrounding white space is ignored), e.g. a
         * mounted Kubernetes Secret. Set this or {@code storage.s3.secret-key}, not both.
         * Defaults to nothing.
         */
        Optional<Path> secretKeyFile();

        /**
         * Server-side encryption asked for on every PUT: {@code none}; {@code s3} (SSE-S3,
         * {@code x-amz-server-side-encryption: AES256}, keys managed by the store); {@code kms}
         * (SSE-KMS with {@code storage.s3.sse-kms-key-id}; the MinIO SDK sends it over HTTPS only).
         * Defaults to none.
         */
        @WithDefault("none")
        Sse sse();

        /** The KMS key id (or ARN) used with {@code storage.s3.sse=kms}. Defaults to nothing (required with kms). */
        Optional<String> sseKmsKeyId();

        /**
         * PEM file with the certificate(s) of the CA(s) that signed the S3 endpoint's TLS
         * certificate (a private CA). When set, S3 connections trust exactly these certificates
         * instead of the JVM's default trust store. Defaults to nothing (the JVM's trust store).
         */
        Optional<Path> caFile();

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
         * Create a bucket a tenant's placement names (other than {@code storage.s3.bucket}) when it
         * does not exist, at its first use (with {@code storage.s3.region}). When false, a recording
         * for a missing bucket is retried with the upload backoff until the bucket exists. Each
         * bucket is checked once per run. Defaults to {@code storage.s3.create-bucket}.
         */
        Optional<Boolean> createTenantBuckets();

        /** Whether tenant buckets are created when missing ({@link #createTenantBuckets()}). */
        default boolean createsTenantBuckets() {
            return createTenantBuckets().orElse(createBucket());
        }

        /**
         * Connect, read and write time limit of one HTTP exchange with S3 (not of a whole
         * upload). Defaults to 30s.
         */
        @WithDefault("30s")
        Duration timeout();

        /**
         * How often the bucket is checked (a HEAD request) for the {@code object-store}
         * readiness check; every upload also reports whether S3 answered. Defaults to 10s.
         */
        @WithDefault("10s")
        Duration probeInterval();
    }

    /** Server-side encryption of the objects ({@code storage.s3.sse}). */
    enum Sse {
        /** No encryption header: the bucket's default applies. */
        NONE,
        /** SSE-S3: {@code x-amz-server-side-encryption: AES256}. */
        S3,
        /** SSE-KMS: {@code aws:kms} with {@code storage.s3.sse-kms-key-id}. */
        KMS
    }

    /** The import endpoint for the phone's own recording files. */
    interface Import {

        /**
         * File of the credentials allowed to import, one per line: {@code <tenant> <token>} or
         * {@code <tenant> sha256:<hex of the token's SHA-256>}, {@code #} comments; the tenant of
         * the credential is the tenant the file is stored under. Re-read when it changes. Without
         * it the import is disabled (404). Defaults to nothing.
         */
        Optional<Path> credentialsFile();

        /** How often the credentials file is checked for changes. Defaults to 10s. */
        @WithDefault("10s")
        Duration credentialsReloadInterval();

        /**
         * Imports received or converted at the same time; one more is answered 503
         * {@code too-many-imports} with {@code Retry-After}. Defaults to 2.
         */
        @WithDefault("2")
        int maxConcurrent();

        /**
         * An import whose body sends nothing for this long is cut off (its work file deleted, its
         * slot freed). Defaults to 30s.
         */
        @WithDefault("30s")
        Duration idleTimeout();

        /**
         * Folder of the imports' work files (the received file and its WAV), apart from the
         * recordings' spill files; only this service's own files in it ({@code *.phone},
         * {@code import-*.pcm}) are deleted at startup. Must not be {@code storage.work-dir}
         * itself. Defaults to {@code storage.work-dir}/imports.
         */
        Optional<Path> workDir();

        /**
         * Largest file accepted by {@code POST /api/v1/imports}; a larger body is refused with 413
         * (a phone file holds at most 4 GiB of data; 512M is about 18 h of G.711). Defaults to 512M.
         */
        @WithDefault("512M")
        @WithConverter(MemorySizeConverter.class)
        MemorySize maxSize();
    }

    /**
     * Long gaps. A gap is a hole in the RTP timestamps between two audio packets that is longer,
     * by at least {@code min-pause}, than the missing sequence numbers account for (a hole they
     * do account for is packet loss, always kept as silence at its place).
     */
    interface Gap {

        /**
         * {@code collapse}: a gap up to {@code max-silence} is kept as silence, a longer hole is
         * collapsed to one second of silence and listed in the metadata; {@code silence}: every
         * gap is kept whole; {@code skip}: every gap is cut. Defaults to collapse.
         */
        @WithDefault("collapse")
        GapHandling.Policy policy();

        /**
         * With {@code collapse}: the longest hole kept as silence of its real length. Defaults to 5m.
         */
        @WithDefault("5m")
        Duration maxSilence();

        /**
         * How much longer than its missing packets a hole must be to count as a gap.
         * Defaults to 1s.
         */
        @WithDefault("1s")
        Duration minPause();
    }

    /** Format of the stored audio. */
    interface Output {

        /**
         * {@code pcm16}: 16-bit PCM WAV at the codec's sample rate; {@code g711}: for PCMA/PCMU
         * recordings a G.711 WAV (format tag 6 or 7) whose data bytes are the RTP payloads as
         * sent (G.722 recordings are always stored as pcm16). Defaults to pcm16.
         */
        @WithDefault("pcm16")
        OutputFormat format();
    }

    /** Splitting long recordings into several files. */
    interface Segment {

        /**
         * Longest audio per file; a longer recording goes on in numbered segment files, all
         * listed in the metadata. {@code 0s}: no limit. Whatever this says, a file is cut before
         * it would exceed the 4 GiB RIFF limit. Defaults to 0s.
         */
        @WithDefault("0s")
        Duration maxDuration();
    }

    /** Per-recording bounds: whatever a sender claims, no recording can fill the work volume. */
    Limits limits();

    /** Judging {@code quality.intact}. */
    Quality quality();

    /** Writing the spill files. */
    Spill spill();

    /** Per-recording bounds. */
    interface Limits {

        /**
         * Largest audio of one recording in the stored format (all segments): a recording whose
         * audio would pass it is ended there, stored, flagged {@code quality.capTripped: "bytes"}
         * and committed. 256M is 4.6 h of G.711 as 16-bit PCM (2.3 h of G.722, 9.3 h as stored
         * G.711): longer than any call, while eight runaway recordings at the cap still fit the
         * chart's 2 Gi work volume. Defaults to 256M.
         */
        @WithDefault("256M")
        @WithConverter(MemorySizeConverter.class)
        MemorySize maxRecordingBytes();

        /**
         * How far a recording's audio may run ahead of the arrival time that passed (first packet
         * to newest), on top of {@code storage.reorder-window} and 1 % of the elapsed time (clock
         * drift): more means the sender's timestamps or payloads claim time that did not pass. The
         * recording is ended there, stored, flagged {@code quality.capTripped: "audio-length"}.
         * Defaults to 2s.
         */
        @WithDefault("2s")
        Duration audioSlack();

        /** Most gaps listed in {@code quality.gaps}; the rest are counted in {@code quality.gapsOmitted}. Defaults to 100. */
        @WithDefault("100")
        int maxGapsListed();

        /**
         * A partition whose commit is held back this long by its oldest open recording shows in
         * {@code callrec_storage_partition_pinned_seconds} and a WARN line (once per recording
         * that crosses it). Defaults to 15m.
         */
        @WithDefault("15m")
        Duration pinnedWarnAfter();
    }

    /** Judging {@code quality.intact}. */
    interface Quality {

        /**
         * How much the call's length (the END's time minus the START's) may differ from the
         * audio's before the recording is not intact ({@code length-mismatch}): ingest's END comes
         * after {@code ingest.release-linger} (200ms), plus a packet (up to 60ms) and the time the
         * start answer and the stop take to travel. Defaults to 300ms.
         */
        @WithDefault("300ms")
        Duration lengthTolerance();
    }

    /** Writing the spill files. */
    interface Spill {

        /**
         * Attempts of a spill-file write or create before the recording is failed (and read again
         * from Kafka once the work directory can be written). While spill I/O is known to fail,
         * one attempt only. Defaults to 5.
         */
        @WithDefault("5")
        int retryAttempts();

        /** Delay before the first retry of a spill write, doubled each time up to 2s. Defaults to 100ms. */
        @WithDefault("100ms")
        Duration retryBackoff();
    }

    /** Readiness checks. */
    Health health();

    /** Readiness checks (management port, {@code /q/health/ready}). */
    interface Health {
        /**
         * How long the result of the Kafka readiness check (the cluster answers) is reused before
         * it is checked again, in the background (S3 is probed every {@code storage.s3.probe-interval}).
         * Defaults to 5s.
         */
        @WithDefault("5s")
        Duration checkInterval();

        /**
         * How long the Kafka check may take before readiness reports DOWN; also the HTTP time
         * limit of the S3 probe. Defaults to 3s.
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
