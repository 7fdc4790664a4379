package org.callrec.ingest.kafka;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.callrec.ingest.config.IngestConfig;
import org.callrec.ingest.logging.RecordingMdc;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Hands media-topic records to Kafka without ever blocking the caller: records go into a
 * bounded queue drained by one publisher thread. One thread and one queue keep each
 * recording's start, chunks and end in order; the recording id as key keeps them on one
 * partition.
 */
@ApplicationScoped
public class MediaPublisher {

    /** Shutdown observers run in this order: sessions end first, their records are sent next. */
    public static final int SHUTDOWN_ORDER = 100;

    private static final Logger LOG = Logger.getLogger(MediaPublisher.class);
    private static final ProducerRecord<String, byte[]> POISON = new ProducerRecord<>("", new byte[0]);

    @Inject
    IngestConfig config;

    @ConfigProperty(name = "kafka.bootstrap.servers", defaultValue = "localhost:9092")
    String bootstrapServers;

    private BlockingQueue<ProducerRecord<String, byte[]>> queue;
    private KafkaProducer<String, byte[]> producer;
    private volatile Thread thread;
    private final AtomicLong sendFailures = new AtomicLong();
    private final AtomicLong queuedBytes = new AtomicLong();

    void start(@Observes StartupEvent event) {
        queue = new ArrayBlockingQueue<>(config.kafka().publishQueue());
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.CLIENT_ID_CONFIG, "callrec-ingest"),
                new StringSerializer(), new ByteArraySerializer());
        createTopic();
        thread = new Thread(this::drain, "media-publisher");
        thread.start();
    }

    /** Queues a record; false (and nothing queued) when the queue is full. Never blocks. */
    public boolean offer(String recordingId, byte[] value) {
        if (queuedBytes.addAndGet(value.length) > config.kafka().publishQueueBytes()) {
            queuedBytes.addAndGet(-value.length);
            return false;
        }
        if (!queue.offer(new ProducerRecord<>(config.kafka().mediaTopic(), recordingId, value))) {
            queuedBytes.addAndGet(-value.length);
            return false;
        }
        return true;
    }

    /**
     * Queues a record, waiting up to {@code timeout} for room. Only for worker threads (the end
     * record of a recording must not be dropped for a momentary backlog).
     */
    public boolean offerWaiting(String recordingId, byte[] value, java.time.Duration timeout) {
        try {
            // End records are small and never refused for the byte bound: only the count waits.
            queuedBytes.addAndGet(value.length);
            boolean queued = queue.offer(new ProducerRecord<>(config.kafka().mediaTopic(), recordingId, value),
                    timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!queued) {
                queuedBytes.addAndGet(-value.length);
            }
            return queued;
        } catch (InterruptedException e) {
            queuedBytes.addAndGet(-value.length);
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Records waiting for the producer. */
    public int backlog() {
        return queue.size();
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
                ProducerRecord<String, byte[]> record = queue.take();
                if (record == POISON) {
                    return;
                }
                queuedBytes.addAndGet(-record.value().length);
                producer.send(record, (metadata, error) -> {
                    if (error != null && sendFailures.getAndIncrement() % 1000 == 0) {
                        RecordingMdc.run(record.key(), () -> LOG.warnf("Kafka refused a record of recording %s: %s",
                                record.key(), error.toString()));
                    }
                });
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void createTopic() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15000))) {
            String topic = config.kafka().mediaTopic();
            Set<String> existing = admin.listTopics().names().get(15, TimeUnit.SECONDS);
            if (!existing.contains(topic)) {
                admin.createTopics(Set.of(new NewTopic(topic, config.kafka().topicPartitions(),
                        config.kafka().replicationFactor()))).all().get(15, TimeUnit.SECONDS);
                LOG.infof("Created topic %s (%d partitions)", topic, config.kafka().topicPartitions());
            }
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                LOG.warnf("Could not create topic %s: %s", config.kafka().mediaTopic(), e.getCause().toString());
            }
        } catch (TimeoutException e) {
            LOG.warnf("Kafka at %s did not answer while creating topic %s", bootstrapServers, config.kafka().mediaTopic());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warnf("Could not create topic %s: %s", config.kafka().mediaTopic(), e.toString());
        }
    }

    /** Sends what is queued, then closes the producer (called after sessions were ended). */
    void stop(@Observes @Priority(SHUTDOWN_ORDER) ShutdownEvent event) {
        if (thread == null) {
            return;
        }
        try {
            queue.put(POISON);
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(java.time.Duration.ofSeconds(10));
    }
}
