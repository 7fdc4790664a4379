package org.callrec.storage.metrics;

import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.callrec.core.protocol.RefusalReason;
import org.callrec.core.timeline.TimelineCap;
import org.callrec.storage.assemble.SpillIo;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The service's meters (exposed at {@code /q/metrics} on the management port), all named
 * {@code callrec_storage_…}. Tags are small fixed sets — never a recording id.
 */
@ApplicationScoped
public class StorageMetrics {

    /** Why a record of the media topic was skipped. */
    public enum SkipReason {
        /** Not a record of the media-topic format, or truncated. */
        CORRUPT("corrupt"),
        /** MEDIA, ALIVE or END of a recording whose START this instance has not seen. */
        UNKNOWN_RECORDING(RefusalReason.UNKNOWN_RECORDING.token()),
        /** A second START of a recording that is open: ignored, the recording goes on. */
        DUPLICATE_START("duplicate-start"),
        /** MEDIA, ALIVE or END of a recording already stored as {@code ingest-lost}: not added to it. */
        AFTER_INGEST_LOST("after-ingest-lost"),
        /**
         * A START for a recording id open here (or ended here lately) from another ingest node or
         * port: refused, never merged.
         */
        FOREIGN_START("foreign-start"),
        /** MEDIA, ALIVE or END from another node or port than its recording's START: skipped. */
        FOREIGN_ORIGIN("foreign-origin"),
        /** MEDIA, ALIVE or END of a recording already stored as {@code cap-tripped}: not added to it. */
        AFTER_CAP("after-cap-tripped");

        private final String tag;

        SkipReason(String tag) {
            this.tag = tag;
        }
    }

    /** Why a recording was not stored. */
    public enum FailReason {
        /** Its codec has no decoder (none today: PCMA, PCMU and G.722 all decode). */
        UNSUPPORTED_CODEC(RefusalReason.UNSUPPORTED_CODEC.token()),
        /** Its spill file could not be written. */
        LOCAL_IO("local-io"),
        /** Uploads kept failing until the attempts ran out. */
        UPLOAD("upload"),
        /** A different object was under one of its keys already (kept, never replaced). */
        OBJECT_CONFLICT("object-conflict"),
        /** Its placement asks for SSE-KMS and the S3 endpoint is plain HTTP: not stored unencrypted. */
        KMS_NEEDS_TLS("kms-needs-tls"),
        /** Its placement names a KMS key id that is not one: not stored unencrypted. */
        INVALID_KMS_KEY("invalid-kms-key");

        private final String tag;

        FailReason(String tag) {
            this.tag = tag;
        }

        /** The tag on the metric (and the token where a reason is answered). */
        public String tag() {
            return tag;
        }
    }

    private final MeterRegistry registry;

    @Inject
    public StorageMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** What kind of object was written. */
    public enum ObjectKind {
        /** The WAV file. */
        AUDIO("audio"),
        /** The metadata document. */
        METADATA("metadata");

        private final String tag;

        ObjectKind(String tag) {
            this.tag = tag;
        }
    }

    /**
     * Where a stored recording's time went between its hand-off to the upload pool and its
     * acknowledged completion event: the successful attempt of each step (failed attempts and
     * their back-offs are not counted).
     */
    public enum UploadStage {
        /** Waiting in the upload pool's queue for a worker. */
        QUEUED("queued"),
        /** The WAV PUT(s), the hashing of the spill file included. */
        AUDIO("audio"),
        /** The metadata document's PUT. */
        METADATA("metadata"),
        /** Deleting the spill files. */
        SPILL("spill"),
        /** The completion event, until the broker acknowledged it. */
        EVENT("event");

        private final String tag;

        UploadStage(String tag) {
            this.tag = tag;
        }
    }

    /** A stored recording spent {@code nanos} in {@code stage}. */
    public void uploadStage(UploadStage stage, long nanos) {
        registry.timer("callrec.storage.upload.stage", "stage", stage.tag).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A record was skipped. */
    public void skipped(SkipReason reason) {
        counter("callrec.storage.records.skipped", "reason", reason.tag).increment();
    }

    /** A recording was stored (WAV, JSON and completion event). */
    public void stored() {
        counter("callrec.storage.recordings.stored").increment();
    }

    /** A recording was not stored. */
    public void failed(FailReason reason) {
        counter("callrec.storage.recordings.failed", "reason", reason.tag).increment();
    }

    /** An object of {@code bytes} bytes was written to S3. */
    public void bytesStored(ObjectKind kind, long bytes) {
        counter("callrec.storage.bytes.stored", "object", kind.tag).increment(bytes);
    }

    /** A write found the same content under its key already: nothing written, nothing changed. */
    public void objectUnchanged(ObjectKind kind) {
        counter("callrec.storage.objects.unchanged", "object", kind.tag).increment();
    }

    /** A write found a different object under its key: that one was kept, nothing written. */
    public void objectConflict(ObjectKind kind) {
        counter("callrec.storage.objects.conflicts", "object", kind.tag).increment();
    }

    /** A placement from a START record or the registry broke the rules: the deployment's defaults were used. */
    public void placementInvalid(String part) {
        counter("callrec.storage.placements.invalid", "part", part).increment();
    }

    /** A registry record could not be read (not JSON of a tenant or device, or an unknown key): dropped. */
    public void registryRecordDropped() {
        counter("callrec.storage.registry.records.dropped").increment();
    }

    /** Publishes the size of the registry replica. */
    public void registry(IntSupplier tenants) {
        Gauge.builder("callrec.storage.registry.tenants", tenants::getAsInt)
                .description("Tenants in this instance's replica of the registry topic")
                .register(registry);
    }

    /** An upload step failed and will be tried again. */
    public void uploadRetried() {
        counter("callrec.storage.upload.retries").increment();
    }

    /** A recording had no record for {@code storage.ingest-lost-after} and was ended by this service. */
    public void ingestLost() {
        counter("callrec.storage.recordings.ingest.lost").increment();
    }

    /** A per-recording cap ended a recording ({@code storage.limits.*}). */
    public void capTripped(TimelineCap cap) {
        counter("callrec.storage.recordings.capped", "cap", cap.token()).increment();
    }

    /** Publishes how long the oldest open recording of each partition has held back its commit. */
    public void partitionPinned(int partition, ToDoubleFunction<Integer> seconds) {
        Gauge.builder("callrec.storage.partition.pinned", partition, seconds)
                .description("Seconds since the START of the partition's oldest recording not yet stored (0: none)")
                .baseUnit("seconds")
                .tag("partition", Integer.toString(partition))
                .strongReference(true)
                .register(registry);
    }

    /** A recording held its partition's commit past {@code storage.limits.pinned-warn-after}. */
    public void partitionPinnedWarning() {
        counter("callrec.storage.partition.pinned.warnings").increment();
    }

    /** Publishes the state of spill-file I/O. */
    public void spillIo(SpillIo io, IntSupplier unstored) {
        Gauge.builder("callrec.storage.spill.failing", io, i -> i.failing() ? 1 : 0)
                .description("1 while spill-file writes fail (the spill-io readiness check is DOWN)")
                .register(registry);
        FunctionCounter.builder("callrec.storage.spill.errors", io, SpillIo::errors)
                .description("Failed spill-file creates and writes (each attempt)")
                .register(registry);
        FunctionCounter.builder("callrec.storage.spill.retries", io, SpillIo::retries)
                .description("Spill-file creates and writes tried again")
                .register(registry);
        Gauge.builder("callrec.storage.recordings.unstored.local", unstored, IntSupplier::getAsInt)
                .description("Recordings a spill failure left unassembled, waiting to be read again from Kafka")
                .register(registry);
    }

    /** Publishes the number of recordings holding back the committed offsets. */
    public void openRecordings(IntSupplier open) {
        Gauge.builder("callrec.storage.recordings.open", open::getAsInt)
                .description("Recordings started but not yet stored (they hold back the Kafka commit)")
                .register(registry);
    }

    /** Publishes the consumer's lag: records of its partitions not yet read. */
    public void consumerLag(LongSupplier lag) {
        Gauge.builder("callrec.storage.consumer.lag", lag::getAsLong)
                .description("Records of the media topic's assigned partitions not yet read (end offset - position)")
                .baseUnit("records")
                .register(registry);
    }

    private Counter counter(String name, String... tags) {
        return registry.counter(name, tags);
    }
}
