package org.callrec.storage.consume;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.callrec.core.audio.WavHeader;
import org.callrec.core.chunk.RecordOrigin;
import org.callrec.core.chunk.Topics;
import org.callrec.storage.assemble.AssembledRecording;
import org.callrec.storage.assemble.AssemblyOptions;
import org.callrec.storage.assemble.SpillFiles;
import org.callrec.storage.assemble.SpillIo;
import org.callrec.storage.config.StorageConfig;
import org.callrec.storage.logging.RecordingMdc;
import org.callrec.storage.metrics.StorageMetrics;
import org.callrec.storage.upload.Backoff;
import org.callrec.storage.upload.RecordingUploader;
import org.callrec.storage.upload.S3Store;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;

/**
 * Reads the media topic with a plain {@link KafkaConsumer} on one dedicated thread
 * ({@code storage-consumer}), started at startup and stopped at shutdown.
 *
 * <p>Before consuming, the thread prepares the work directory, creates the completed topic if it
 * is missing, waits for the media topic (media-ingest-service creates it) and checks its
 * configuration, and (if {@code storage.s3.create-bucket}) creates the bucket, retrying until
 * they succeed. Then it polls, routes every record through a {@link RecordingRouter}, hands
 * finished recordings to the {@link RecordingUploader} and commits through an {@link OffsetCommitter}, per
 * partition, only what
 * {@link OffsetTracker} says is safe: never past the START of a recording that is not stored
 * yet. Auto-commit is off.
 *
 * <p>About every second its {@link PartitionWatch} also asks the broker for the partitions' end
 * offsets, so that {@link PartitionProgress} knows how far they are provably read: the basis on
 * which open recordings without records are ended as {@code ingest-lost}
 * ({@link RecordingRouter#sweepLost()}).
 *
 * <p>On a rebalance, revoked partitions commit what is safe and drop their open recordings; the
 * new owner reads them again from their START. At shutdown the thread waits up to
 * {@code storage.shutdown-grace} for uploads in progress, commits, and closes the consumer.
 *
 * <p>Why ~450 lines: it is the one owner of the consumer thread and the raw {@link KafkaConsumer}
 * (a plain client, not a Reactive Messaging channel, because commits must follow
 * {@link OffsetTracker}, never the poll); what runs beside the poll loop has classes of its own
 * ({@link PartitionWatch}, {@link OffsetCommitter}, {@link RecordingRouter}).
 */
@ApplicationScoped
public class MediaConsumer {

    /** Life cycle of the consumer thread. */
    public enum State {
        /** Preparing the work directory, topics and bucket; waiting for the media topic. */
        STARTING,
        /** Consuming. */
        RUNNING,
        /** Stopped at shutdown. */
        STOPPED,
        /** Stopped by an unexpected error. */
        FAILED
    }

    private static final Logger LOG = Logger.getLogger(MediaConsumer.class);
    private static final Backoff SETUP_BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
    private static final long LAG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

    @Inject
    StorageConfig config;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    @Inject
    S3Store s3;

    @Inject
    RecordingUploader uploader;

    @Inject
    StorageMetrics metrics;

    private final Queue<OffsetTracker.Ticket> storedTickets = new ConcurrentLinkedQueue<>();
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private volatile boolean running;
    private volatile State state = State.STARTING;
    private volatile long lag;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;
    private volatile RecordingRouter router;
    private PartitionWatch watch;
    private OffsetCommitter committer;
    private PinWatch pins;
    private volatile SpillIo spillIo;

    void onStart(@Observes StartupEvent event) {
        spillIo = new SpillIo(config.spill().retryAttempts(), config.spill().retryBackoff());
        metrics.consumerLag(this::lag);
        running = true;
        thread = new Thread(this::run, "storage-consumer");
        thread.setDaemon(true);
        thread.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
        stopSignal.countDown();
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(config.shutdownGrace().plus(config.kafka().requestTimeout()).toMillis() + 5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Where the consumer thread is. */
    public State state() {
        return state;
    }

    /** Whether the startup observer ran (the consumer thread was launched). */
    public boolean launched() {
        return thread != null;
    }

    /** The Kafka client properties ({@code kafka.*}), for the readiness check's admin client. */
    public Map<String, Object> kafkaProperties() {
        return kafka;
    }

    /** Whether the consumer thread is alive (or not started yet). */
    public boolean alive() {
        return state != State.FAILED && (thread == null || thread.isAlive() || state == State.STOPPED);
    }

    private AssemblyOptions assemblyOptions() {
        return new AssemblyOptions(config.reorderWindow(), config.gap().policy(), config.gap().maxSilence(),
                config.gap().minPause(), config.output().format(), config.segment().maxDuration(),
                WavHeader.MAX_DATA_BYTES, config.limits().maxRecordingBytes().asLongValue(),
                config.limits().audioSlack(), config.limits().maxGapsListed());
    }

    private void run() {
        try {
            if (!retryUntilDone("prepare the work directory " + config.workDir(), this::prepareWorkDir)
                    || !retryUntilDone("create the topic " + config.kafka().completedTopic(), this::createCompletedTopic)
                    || !retryUntilDone("find the topic " + config.kafka().mediaTopic(), this::checkMediaTopic)
                    || (config.s3().createBucket()
                        && !retryUntilDone("create the bucket " + config.s3().bucket(), s3::ensureBucket))) {
                state = State.STOPPED;
                return;
            }
            SpillFiles spillFiles = new SpillFiles(config.workDir(), spillIo);
            router = new RecordingRouter(spillFiles, assemblyOptions(), config.ingestLostAfter(),
                    new OffsetTracker(), new PartitionProgress(), this::handOff, metrics, System::nanoTime);
            metrics.spillIo(spillIo, router::unstoredByLocalFailure);
            pins = new PinWatch(router.tracker(), metrics, config.limits().pinnedWarnAfter(), router::recordingOf);
            consumer = new KafkaConsumer<>(consumerProps(kafka, config.kafka().groupId()), new StringDeserializer(), new ByteArrayDeserializer());
            watch = new PartitionWatch(consumer, router.progress(), config.kafka().mediaTopic(),
                    config.kafka().requestTimeout());
            committer = new OffsetCommitter(consumer, router.tracker(), config.kafka().requestTimeout());
            if (!running) {
                // stopped while the consumer was being created: onStop could not wake it up
                consumer.close(CloseOptions.timeout(Duration.ZERO));
                state = State.STOPPED;
                return;
            }
            consumer.subscribe(List.of(config.kafka().mediaTopic()), new Rebalance());
            LOG.infof("Consuming %s as group %s; work directory %s", config.kafka().mediaTopic(),
                    config.kafka().groupId(), spillFiles.dir());
            state = State.RUNNING;
            loop();
            shutdown();
            state = State.STOPPED;
        } catch (Throwable t) {
            state = State.FAILED;
            LOG.errorf(t, "The media consumer stopped unexpectedly");
            KafkaConsumer<String, byte[]> c = consumer;
            if (c != null) {
                try {
                    c.close(CloseOptions.timeout(Duration.ZERO));
                } catch (RuntimeException ignored) {
                    // already failing
                }
            }
        }
    }

    private void loop() {
        Duration pollTimeout = config.kafka().pollTimeout();
        long commitEvery = config.kafka().commitInterval().toNanos();
        long sweepEvery = Math.max(Duration.ofMillis(100).toNanos(),
                Math.min(Duration.ofSeconds(1).toNanos(), config.ingestLostAfter().toNanos() / 10));
        long nextCommit = System.nanoTime() + commitEvery;
        long nextSweep = System.nanoTime() + sweepEvery;
        long nextLag = System.nanoTime();
        boolean warnedPoll = false;
        while (running) {
            ConsumerRecords<String, byte[]> records;
            try {
                records = consumer.poll(pollTimeout);
                warnedPoll = false;
            } catch (WakeupException e) {
                continue; // stop() woke us up; the loop condition decides
            } catch (KafkaException e) {
                if (!warnedPoll) {
                    LOG.warnf("Polling %s failed (%s); retrying", config.kafka().mediaTopic(), e.toString());
                    warnedPoll = true;
                }
                router.progress().probeFailed();
                pause(Duration.ofSeconds(1));
                continue;
            }
            try {
                for (ConsumerRecord<String, byte[]> r : records) {
                    RecordingMdc.set(r.key());
                    Header origin = r.headers().lastHeader(RecordOrigin.HEADER);
                    router.onRecord(new TopicPartition(r.topic(), r.partition()), r.offset(), r.key(), r.value(),
                            origin == null ? null : RecordOrigin.parseHeader(origin.value()));
                }
            } finally {
                RecordingMdc.clear();
            }
            drainStored();
            long now = System.nanoTime();
            if (now - nextLag >= 0) {
                lag = watch.lag();
                nextLag = now + LAG_EVERY_NANOS;
            }
            if (now - nextSweep >= 0) {
                watch.probeProgress();
                router.sweepLost();
                rereadAfterLocalFailure();
                pins.check(System.nanoTime());
                nextSweep = System.nanoTime() + sweepEvery;
            }
            if (now - nextCommit >= 0) {
                committer.commitAsync();
                nextCommit = now + commitEvery;
            }
        }
    }

    /**
     * Partitions where a spill I/O failure left a recording unassembled are read again from their
     * safe offset (the oldest open START) once the work directory can be written: their open
     * recordings are dropped and assembled again from their START, as after a rebalance.
     * Recordings of those partitions already stored may be stored a second time (identical objects).
     */
    private void rereadAfterLocalFailure() {
        java.util.Set<TopicPartition> failed = router.rereadPending();
        if (failed.isEmpty() && !spillIo.failing()) {
            return;
        }
        if (!spillIo.probe(config.workDir()) || failed.isEmpty()) {
            return;
        }
        drainStored();
        committer.commitSync(failed);
        Map<TopicPartition, Long> from = new HashMap<>();
        for (TopicPartition tp : failed) {
            router.tracker().safeOffset(tp).ifPresent(offset -> from.put(tp, offset));
        }
        router.revoke(failed);
        router.assign(failed);
        from.forEach(consumer::seek);
        LOG.infof("The work directory can be written again: reading %s again from %s", failed, from);
    }

    /** Whether spill-file I/O fails now, or a recording it failed waits to be read again. */
    public boolean spillHealthy() {
        SpillIo io = spillIo;
        RecordingRouter r = router;
        return (io == null || !io.failing()) && (r == null || r.unstoredByLocalFailure() == 0);
    }

    /** Spill I/O state for the readiness check: the last error and the recordings waiting. */
    public Map<String, Object> spillState() {
        SpillIo io = spillIo;
        RecordingRouter r = router;
        Map<String, Object> m = new HashMap<>();
        m.put("failing", io != null && io.failing());
        m.put("lastError", io == null ? "" : io.lastError());
        m.put("unstoredRecordings", r == null ? 0 : r.unstoredByLocalFailure());
        return m;
    }

    /** Records of the assigned partitions not read yet, as of the last poll (updated every second). */
    public long lag() {
        return lag;
    }

    private void shutdown() {
        try {
            if (!uploader.awaitIdle(config.shutdownGrace())) {
                LOG.warnf("%d recording(s) not stored before shutdown; they are read again after the restart",
                        uploader.inFlight());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        drainStored();
        committer.commitSync(null);
        router.closeAll();
        consumer.close(CloseOptions.timeout(config.kafka().requestTimeout()));
    }

    private void handOff(AssembledRecording recording, OffsetTracker.Ticket ticket) {
        uploader.submit(recording, outcome -> {
            // a conflict is final: the key holds another object, reading the recording again cannot help
            if (outcome == RecordingUploader.Outcome.STORED || outcome == RecordingUploader.Outcome.CONFLICT) {
                storedTickets.add(ticket);
            }
        });
    }

    private void drainStored() {
        for (OffsetTracker.Ticket t; (t = storedTickets.poll()) != null; ) {
            router.stored(t);
        }
    }

    /**
     * The media consumer's fetch batching, unless a {@code kafka.*} property sets it: the broker
     * answers a fetch once it holds {@value #FETCH_MIN_BYTES} bytes or after
     * {@value #FETCH_MAX_WAIT_MS} ms. The client's defaults (1 byte, 500 ms) answer every fetch as
     * soon as one record arrived, a request per handful of chunks; this costs a recording at most
     * {@value #FETCH_MAX_WAIT_MS} ms more between its END and its upload (BENCHMARKS.md, issue 14).
     */
    static final int FETCH_MIN_BYTES = 65536;
    static final int FETCH_MAX_WAIT_MS = 100;

    /** The media consumer's properties: the fetch batching above, then {@code kafka}, then what the commits rely on. */
    static Map<String, Object> consumerProps(Map<String, ?> kafka, String groupId) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, FETCH_MIN_BYTES);
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, FETCH_MAX_WAIT_MS);
        p.putAll(kafka);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return p;
    }

    /** The completed topic is this service's: created from {@code storage.kafka.*} when missing. */
    private void createCompletedTopic() throws Exception {
        TopicSetup.ensure(adminProps(), List.of(config.kafka().completedTopic()),
                config.kafka().topicPartitions(), config.kafka().replicationFactor(),
                TopicSetup.topicConfig(config.kafka().retention(), config.kafka().minInsyncReplicas()),
                config.kafka().requestTimeout());
    }

    /**
     * The media topic is media-ingest-service's, which creates and configures it: storage waits
     * until it exists (subscribing first could let the broker auto-create it with its defaults)
     * and warns if its configuration endangers what storage has not stored yet.
     */
    private void checkMediaTopic() throws Exception {
        TopicSetup.check(adminProps(), config.kafka().mediaTopic(), "media-ingest-service",
                Topics.MEDIA_REQUIRED_CONFIG, config.kafka().requestTimeout());
    }

    private Map<String, Object> adminProps() {
        Map<String, Object> p = new HashMap<>(kafka);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        int timeout = (int) config.kafka().requestTimeout().toMillis();
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
        return p;
    }

    private void prepareWorkDir() throws Exception {
        int deleted = new SpillFiles(config.workDir()).prepare();
        if (deleted > 0) {
            LOG.infof("Deleted %d spill file(s) left by an earlier run in %s", deleted, config.workDir());
        }
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    /** Runs {@code step} until it succeeds; false if the service stops first. */
    private boolean retryUntilDone(String what, Step step) {
        for (int attempt = 1; running; attempt++) {
            try {
                step.run();
                if (attempt > 1) {
                    LOG.infof("Managed to %s", what);
                }
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (Exception e) {
                Duration delay = SETUP_BACKOFF.delay(attempt);
                if (attempt == 1) {
                    LOG.warnf("Cannot %s (%s); retrying until it works", what, e.toString());
                } else {
                    LOG.debugf("Cannot %s (%s); retry in %s", what, e.toString(), delay);
                }
                pause(delay);
            }
        }
        return false;
    }

    private void pause(Duration d) {
        try {
            stopSignal.await(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Rebalance callbacks; they run on the consumer thread, inside {@code poll()}. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            drainStored();
            committer.commitSync(partitions);
            router.revoke(partitions);
            LOG.infof("Partitions revoked: %s; their open recordings are read again by the next owner", partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            router.revoke(partitions);
            LOG.infof("Partitions lost: %s; their open recordings are dropped", partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            router.assign(partitions);
            if (!partitions.isEmpty()) {
                LOG.infof("Partitions assigned: %s", partitions);
            }
        }
    }
}
