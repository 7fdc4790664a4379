package org.callrec.ingest.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.callrec.core.chunk.RecordOrigin;
import org.callrec.ingest.config.IngestConfig;
import org.callrec.logging.RecordingMdc;
import org.jboss.logging.Logger;

import io.smallrye.common.annotation.Identifier;

/**
 * Hands media-topic records to Kafka without ever blocking the caller.
 *
 * <p>Records go into a queue drained by one publisher thread, which hands them to an idempotent
 * producer ({@code acks=all}, unlimited retries within {@code ingest.kafka.delivery-timeout};
 * every {@code kafka.*} property reaches it, see {@link KafkaClientProperties}).
 * One thread keeps each recording's start, chunks and end in order; the recording id as key
 * keeps them on one partition, and each carries the {@link RecordOrigin#HEADER} header (this
 * node and the recording's port) so storage never merges another node's records into it; idempotence keeps retries from duplicating or reordering them.
 *
 * <p><b>While Kafka is unreachable</b> records wait — in this queue and in the producer's own
 * buffer — until Kafka acknowledges them. What waits is bounded by record count and bytes per
 * node ({@code ingest.kafka.publish-queue}, {@code …-bytes}) and by bytes per recording
 * ({@code ingest.kafka.recording-buffer-bytes}), counted from the hand-over until Kafka's
 * acknowledgement; past a bound a chunk is refused at once and its packets are counted as
 * dropped by the session. The producer's {@code buffer.memory} is sized above the node bound,
 * so {@code send} never waits for buffer room; it only waits for the topic's metadata (broker
 * away at start, or back after an outage), on this thread, never on an event loop, and a record
 * whose send timed out on metadata is sent again, not dropped.
 */
@ApplicationScoped
public class MediaPublisher {

    /** Why {@link #offer} refused a record. */
    public enum Outcome {
        QUEUED,
        /** The node's bound (records or bytes) is reached. */
        NODE_FULL,
        /** The recording's own bound is reached. */
        RECORDING_FULL
    }

    private static final Logger LOG = Logger.getLogger(MediaPublisher.class);

    private record Pending(PublishAccount account, ProducerRecord<String, byte[]> record, int packets) {
    }

    private static final Pending POISON = new Pending(null, null, 0);

    @Inject
    IngestConfig config;

    /** Every {@code kafka.*} property, prefix removed (see {@link KafkaClientProperties}). */
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private KafkaProducer<String, byte[]> producer;
    private volatile Thread thread;
    private volatile boolean stopping;
    private final AtomicLong sendFailures = new AtomicLong();
    /** Bytes and records handed over and not yet acknowledged by Kafka, node-wide. */
    private final AtomicLong pendingBytes = new AtomicLong();
    private final AtomicInteger pendingRecords = new AtomicInteger();

    /** Starts publishing (node startup, before any recording is allocated or recovered). */
    public void start() {
        open(config, kafka);
    }

    /**
     * Creates the producer and starts the publisher thread, which first creates the media topic
     * (so a broker that is away at start delays nothing but the first sends).
     */
    void open(IngestConfig config, Map<String, Object> kafka) {
        this.config = config;
        this.kafka = kafka;
        producer = new KafkaProducer<>(
                KafkaClientProperties.producer(kafka, config.kafka(), KafkaClientProperties.MEDIA_PRODUCER),
                new StringSerializer(), new ByteArraySerializer());
        thread = new Thread(() -> {
            OwnTopics.createMedia(kafka, config.kafka());
            drain();
        }, "media-publisher");
        thread.start();
    }

    /**
     * Queues a media chunk or an ALIVE record; refused (nothing queued) when the node's or the
     * recording's bound is reached. Never blocks.
     *
     * @param packets packets in the record, counted as {@code publish-failed} if Kafka refuses it
     */
    public Outcome offer(PublishAccount account, byte[] value, int packets) {
        long size = value.length;
        if (pendingRecords.incrementAndGet() > config.kafka().publishQueue()) {
            pendingRecords.decrementAndGet();
            return Outcome.NODE_FULL;
        }
        if (pendingBytes.addAndGet(size) > config.kafka().publishQueueBytes()) {
            pendingBytes.addAndGet(-size);
            pendingRecords.decrementAndGet();
            return Outcome.NODE_FULL;
        }
        if (!account.reserve(size, config.kafka().recordingBufferBytes())) {
            pendingBytes.addAndGet(-size);
            pendingRecords.decrementAndGet();
            return Outcome.RECORDING_FULL;
        }
        queue.add(new Pending(account, record(account, value), packets));
        return Outcome.QUEUED;
    }

    /**
     * Queues a recording's start or end record past every bound: one of each per recording, a
     * few hundred bytes, and without them storage cannot open or close the recording. Never blocks.
     */
    public void offerControl(PublishAccount account, byte[] value) {
        pendingRecords.incrementAndGet();
        pendingBytes.addAndGet(value.length);
        account.force(value.length);
        queue.add(new Pending(account, record(account, value), 0));
    }

    /** The recording's record, keyed by its id, with its {@link RecordOrigin#HEADER} header. */
    private ProducerRecord<String, byte[]> record(PublishAccount account, byte[] value) {
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(config.kafka().mediaTopic(), account.recordingId(),
                value);
        if (account.originHeader() != null) {
            r.headers().add(RecordOrigin.HEADER, account.originHeader());
        }
        return r;
    }

    /** Records handed over and not yet acknowledged by Kafka. */
    public int backlog() {
        return pendingRecords.get();
    }

    /** Bytes handed over and not yet acknowledged by Kafka. */
    public long backlogBytes() {
        return pendingBytes.get();
    }

    /** Whether the thread that hands records to the producer runs (false before startup and after shutdown). */
    public boolean draining() {
        Thread t = thread;
        return t != null && t.isAlive();
    }

    /** Sends that Kafka refused after its own retries. */
    public long sendFailures() {
        return sendFailures.get();
    }

    private void drain() {
        try {
            while (true) {
                Pending p = queue.take();
                if (p == POISON) {
                    return;
                }
                send(p);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Hands one record to the producer. When the producer cannot even take it — the topic's
     * metadata is not known (the broker was away at start, or came back and the metadata must be
     * fetched again): {@code send} then fails at once, after {@code max.block.ms}, on this
     * thread — the same record is tried again, so that nothing is lost or reordered for it.
     */
    private void send(Pending p) {
        boolean warned = false;
        while (true) {
            Exception[] immediate = new Exception[1];
            Thread self = Thread.currentThread();
            try {
                producer.send(p.record(), (metadata, error) -> {
                    if (error instanceof org.apache.kafka.common.errors.TimeoutException
                            && Thread.currentThread() == self && immediate[0] == null) {
                        immediate[0] = error; // failed inside send(): not handed over, try again
                    } else {
                        acknowledged(p, error);
                    }
                });
            } catch (KafkaException | IllegalStateException e) {
                acknowledged(p, e);
                return;
            }
            if (immediate[0] == null) {
                if (warned) {
                    LOG.infof("Kafka at %s reached again: publishing what waited", bootstrapServers());
                }
                return;
            }
            if (stopping) {
                acknowledged(p, immediate[0]);
                return;
            }
            if (!warned) {
                LOG.warnf("Kafka at %s unreachable (%s): media records wait, bounded by the publish buffers",
                        bootstrapServers(), immediate[0].getMessage());
                warned = true;
            }
        }
    }

    private String bootstrapServers() {
        return KafkaClientProperties.bootstrapServers(kafka);
    }

    private void acknowledged(Pending p, Exception error) {
        long size = p.record().value().length;
        pendingBytes.addAndGet(-size);
        pendingRecords.decrementAndGet();
        if (error == null) {
            p.account().done(size);
        } else {
            sendFailures.incrementAndGet();
            p.account().failed(size, p.packets(), error);
        }
    }

    /**
     * Sends what is queued, waiting up to {@code ingest.shutdown.flush-timeout} for Kafka's
     * acknowledgements, then closes the producer (node shutdown, after the sessions were ended).
     */
    public void close() {
        if (thread == null) {
            return;
        }
        Duration timeout = config.shutdown().flushTimeout();
        try {
            queue.put(POISON);
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopping = true;
        producer.close(timeout);
        if (pendingRecords.get() > 0) {
            LOG.warnf("Stopped with %d media records (%d bytes) not acknowledged by Kafka", pendingRecords.get(),
                    pendingBytes.get());
        }
    }
}
