package org.callrec.storage.upload;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.callrec.storage.placement.ObjectKeys;
import org.callrec.storage.assemble.AssembledRecording;
import org.callrec.storage.assemble.SegmentedOutput;
import org.callrec.storage.assemble.SpillFiles;
import org.callrec.storage.config.StorageConfig;
import org.callrec.storage.logging.RecordingMdc;
import org.callrec.storage.metrics.StorageMetrics;
import org.callrec.storage.placement.Placement;
import org.callrec.storage.placement.PlacementResolver;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Stores finished recordings on a pool of {@code storage.upload-threads} worker threads (never on
 * the consumer thread, never on an event loop). Per recording, in order:
 * <ol>
 *   <li>each segment's WAV file ({@code audio/wav}): its spill file, streamed from disk;</li>
 *   <li>the metadata document ({@code application/json});</li>
 *   <li>the spill files are deleted;</li>
 *   <li>the completion event is published.</li>
 * </ol>
 * A failed step is tried again after an exponential backoff ({@code storage.upload-retry.*});
 * the first failure of a recording is logged at WARN with its id, the following ones at DEBUG.
 * Everything written depends only on the recording, so a retry or a second run of the same
 * recording writes the same objects under the same keys: {@link S3Store} lets such an identical
 * re-write pass. A different object already under a key (another recording that reused the id,
 * or this one assembled differently by another version) is kept: the job stops there, writes
 * nothing more, publishes no completion event, deletes its spill files and counts the conflict
 * ({@link Outcome#CONFLICT}); the audio that came second is not stored.
 *
 * <p>All objects of a recording go to the placement its START record names
 * ({@link PlacementResolver}): bucket, key prefix, SSE-KMS key. It is decided from that record
 * alone, so a change of the tenant's placement never splits a recording, also across restarts.
 */
@ApplicationScoped
public class RecordingUploader {

    /** How a recording ended up. */
    public enum Outcome {
        /** WAV, JSON and completion event are out. */
        STORED,
        /** The attempts ran out ({@code storage.upload-retry.max-attempts}). */
        GAVE_UP,
        /** The service stopped before it was stored. */
        ABORTED,
        /** A different object was under one of its keys: kept, and this recording not stored. */
        CONFLICT
    }

    static final String AUDIO_TYPE = "audio/wav";
    static final String JSON_TYPE = "application/json";

    private static final Logger LOG = Logger.getLogger(RecordingUploader.class);

    @Inject
    StorageConfig config;

    @Inject
    S3Store s3;

    @Inject
    CompletionPublisher publisher;

    @Inject
    ObjectMapper json;

    @Inject
    StorageMetrics metrics;

    @Inject
    PlacementResolver placements;

    Clock clock = Clock.systemUTC();

    private ScheduledThreadPoolExecutor pool;
    private Backoff backoff;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Object idle = new Object();

    @PostConstruct
    void init() {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, "storage-upload-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        pool = new ScheduledThreadPoolExecutor(Math.max(1, config.uploadThreads()), threads);
        pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        pool.setRemoveOnCancelPolicy(true);
        backoff = new Backoff(config.uploadRetry().initialBackoff(), config.uploadRetry().maxBackoff());
    }

    @PreDestroy
    void shutdown() {
        pool.shutdownNow();
    }

    /**
     * Queues a recording for upload; {@code done} is called once, on a worker thread, with the
     * outcome.
     */
    public void submit(AssembledRecording recording, Consumer<Outcome> done) {
        inFlight.incrementAndGet();
        Job job = new Job(recording, done);
        try {
            pool.execute(job);
        } catch (RuntimeException e) { // rejected: shutting down
            job.finish(Outcome.ABORTED);
        }
    }

    /** Recordings queued or being uploaded. */
    public int inFlight() {
        return inFlight.get();
    }

    /**
     * Waits until no recording is queued or being uploaded, at most {@code timeout}.
     *
     * @return whether everything was done in time
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (idle) {
            while (inFlight.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(idle, left);
            }
        }
        return true;
    }

    /** The steps of one recording, resumable where the last attempt failed. */
    private final class Job implements Runnable {
        private final AssembledRecording recording;
        private final Consumer<Outcome> done;
        private final Placement placement;
        private final ObjectKeys keys;
        private final List<SegmentedOutput.Segment> segments;
        private int step;
        private int failures; // consecutive, current step
        private boolean warned;
        private RecordingMetadata metadata;
        private final long queuedAtNanos = System.nanoTime();
        private long startedAtNanos; // first attempt taken by a worker; 0 before
        private final long[] stepNanos = new long[StorageMetrics.UploadStage.values().length];

        Job(AssembledRecording recording, Consumer<Outcome> done) {
            this.recording = recording;
            this.done = done;
            // from the START record alone: the same after a restart, whatever the registry says now
            this.placement = placements.resolve(recording.start().tenant(), recording.start().placement(),
                    recording.recordingId());
            this.keys = ObjectKeys.under(placement.prefix(), recording.recordingId(),
                    recording.start().startedAtMillis());
            this.segments = recording.segments();
        }

        private int steps() {
            return segments.size() + 3;
        }

        @Override
        public void run() {
            RecordingMdc.set(recording.recordingId());
            try {
                runSteps();
            } finally {
                RecordingMdc.clear();
            }
        }

        private void runSteps() {
            if (pool.isShutdown()) {
                finish(Outcome.ABORTED);
                return;
            }
            if (!placement.usable()) {
                refused();
                return;
            }
            if (startedAtNanos == 0) {
                startedAtNanos = System.nanoTime();
                stepNanos[StorageMetrics.UploadStage.QUEUED.ordinal()] = startedAtNanos - queuedAtNanos;
            }
            try {
                while (step < steps()) {
                    long t0 = System.nanoTime();
                    S3Store.Write w = runStep();
                    stepNanos[stageOf(step).ordinal()] += System.nanoTime() - t0;
                    if (w == S3Store.Write.CONFLICT) {
                        conflict();
                        return;
                    }
                    step++;
                    failures = 0;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                finish(Outcome.ABORTED);
                return;
            } catch (Exception e) {
                retryLater(e);
                return;
            }
            metrics.stored();
            for (StorageMetrics.UploadStage stage : StorageMetrics.UploadStage.values()) {
                metrics.uploadStage(stage, stepNanos[stage.ordinal()]);
            }
            if (warned) {
                LOG.infof("Recording %s stored after all: %s", recording.recordingId(), keys.audio());
            } else if (LOG.isDebugEnabled()) {
                LOG.debugf("Recording %s stored in %d ms: %s: queued=%dms, audio=%dms, metadata=%dms, spill=%dms,"
                        + " event=%dms", recording.recordingId(), millis(System.nanoTime() - queuedAtNanos),
                        keys.audio(), millis(stepNanos[0]), millis(stepNanos[1]), millis(stepNanos[2]),
                        millis(stepNanos[3]), millis(stepNanos[4]));
            }
            finish(Outcome.STORED);
        }

        /** Runs the current step; what its write did ({@code CREATED} for a step that writes no object). */
        private S3Store.Write runStep() throws Exception {
            int n = segments.size();
            if (step < n) {
                SegmentedOutput.Segment seg = segments.get(step);
                S3Store.Write w = s3.putFile(placement, keys.audioSegment(step + 1), seg.file(), seg.fileBytes(), AUDIO_TYPE);
                written(w, StorageMetrics.ObjectKind.AUDIO, seg.fileBytes());
                return w;
            } else if (step == n) {
                byte[] document = json.writeValueAsBytes(metadata());
                S3Store.Write w = s3.putBytes(placement, keys.metadata(), document, JSON_TYPE);
                written(w, StorageMetrics.ObjectKind.METADATA, document.length);
                return w;
            } else if (step == n + 1) {
                deleteSpillFiles();
            } else if (step == n + 2) {
                publisher.publish(MetadataMapper.completion(metadata(), clock.instant()));
            } else {
                throw new IllegalStateException("step " + step);
            }
            return S3Store.Write.CREATED;
        }

        /** The stage a step belongs to: every WAV segment is {@code AUDIO}. */
        private StorageMetrics.UploadStage stageOf(int step) {
            int n = segments.size();
            return step < n ? StorageMetrics.UploadStage.AUDIO
                    : step == n ? StorageMetrics.UploadStage.METADATA
                    : step == n + 1 ? StorageMetrics.UploadStage.SPILL : StorageMetrics.UploadStage.EVENT;
        }

        private void written(S3Store.Write w, StorageMetrics.ObjectKind kind, long bytes) {
            switch (w) {
                case CREATED -> metrics.bytesStored(kind, bytes);
                case IDENTICAL -> metrics.objectUnchanged(kind);
                case CONFLICT -> metrics.objectConflict(kind);
            }
        }

        private void conflict() {
            String key = step < segments.size() ? keys.audioSegment(step + 1) : keys.metadata();
            LOG.warnf("Recording %s: a different object is stored under %s already; it is kept, and this recording"
                    + " is not stored (no completion event)", recording.recordingId(), key);
            deleteSpillFiles();
            metrics.failed(StorageMetrics.FailReason.OBJECT_CONFLICT);
            finish(Outcome.CONFLICT);
        }

        /**
         * Its tenant asks for what this deployment cannot do (SSE-KMS over plain HTTP, a malformed
         * key id): nothing is written — never unencrypted — and, as after attempts that ran out,
         * it keeps holding back its partition's commit, so that it is read again after a restart
         * with a fixed configuration (while the media topic retains it).
         */
        private void refused() {
            LOG.warnf("Recording %s of tenant %s: not stored: its placement (bucket %s) asks for SSE-KMS, which cannot"
                    + " be used here (%s; SSE-KMS needs an https storage.s3.endpoint and a valid key id); it is"
                    + " read again after the next restart", recording.recordingId(),
                    ObjectKeys.tenantSegment(recording.start().tenant()), placement.bucket(),
                    placement.unusable().token());
            deleteSpillFiles();
            metrics.failed(placement.unusable().failReason());
            finish(Outcome.GAVE_UP);
        }

        private void deleteSpillFiles() {
            segments.forEach(seg -> SpillFiles.delete(seg.file()));
        }

        private RecordingMetadata metadata() {
            if (metadata == null) {
                metadata = MetadataMapper.metadata(recording, placement, keys, config.quality().lengthTolerance());
            }
            return metadata;
        }

        private void retryLater(Exception e) {
            failures++;
            String what = step < segments.size() ? "the WAV file " + keys.audioSegment(step + 1)
                    : step == segments.size() ? "the metadata " + keys.metadata() : "the completion event";
            int maxAttempts = config.uploadRetry().maxAttempts();
            if (e instanceof JsonProcessingException || e instanceof S3Store.SizeMismatch
                    || (maxAttempts > 0 && failures >= maxAttempts)) {
                // kept holding back the committed offset: the next start stores it
                LOG.warnf("Recording %s: storing %s failed %d time(s) (%s); given up until the service restarts",
                        recording.recordingId(), what, failures, describe(e));
                deleteSpillFiles();
                metrics.failed(StorageMetrics.FailReason.UPLOAD);
                finish(Outcome.GAVE_UP);
                return;
            }
            Duration delay = backoff.delay(failures);
            if (!warned) {
                warned = true;
                LOG.warnf("Recording %s: storing %s failed (%s); retrying with backoff up to %s",
                        recording.recordingId(), what, describe(e), backoff.max());
            } else {
                LOG.debugf("Recording %s: storing %s failed again (%s); retry in %s", recording.recordingId(), what,
                        describe(e), delay);
            }
            metrics.uploadRetried();
            try {
                pool.schedule(this, delay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RuntimeException rejected) {
                finish(Outcome.ABORTED);
            }
        }

        void finish(Outcome outcome) {
            try {
                done.accept(outcome);
            } finally {
                if (inFlight.decrementAndGet() == 0) {
                    synchronized (idle) {
                        idle.notifyAll();
                    }
                }
            }
        }
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    private static String describe(Exception e) {
        Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return t.toString();
    }
}
