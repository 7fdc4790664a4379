package org.callrec.benchmark;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Listens to the completion topic from "now" on and keeps every event by phone key.
 *
 * <p>The consumer has its own random group id and {@code auto.offset.reset=latest}. {@link #start}
 * returns only once partitions are assigned <em>and</em> their positions resolved, so no event of a
 * phone started afterwards can be skipped. One thread owns the consumer (KafkaConsumer is not
 * thread-safe); {@link #close()} wakes it up and waits for it.
 */
final class CompletionWatcher implements AutoCloseable {

    private final String bootstrap;
    private final String topic;
    private final Map<String, ReceivedCompletion> events = new ConcurrentHashMap<>();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong unreadable = new AtomicLong();
    private final CompletableFuture<Set<TopicPartition>> ready = new CompletableFuture<>();
    private final Object arrivals = new Object();
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, String> consumer;
    private Thread thread;

    CompletionWatcher(String bootstrap, String topic) {
        this.bootstrap = bootstrap;
        this.topic = topic;
    }

    /** Subscribes and waits until partitions are assigned and positioned at their end. */
    Set<TopicPartition> start(Duration timeout) throws BenchmarkException, InterruptedException {
        thread = new Thread(this::pollLoop, "completion-watcher");
        thread.setDaemon(true);
        thread.start();
        try {
            return ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new BenchmarkException("no partition of topic " + topic + " was assigned within "
                    + timeout.toSeconds() + " s: is Kafka at " + bootstrap + " up, and does the topic exist "
                    + "(or may the consumer create it)?");
        } catch (ExecutionException e) {
            throw new BenchmarkException("Kafka consumer failed: " + e.getCause(), e.getCause());
        }
    }

    private void pollLoop() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "callrec-benchmark-" + UUID.randomUUID());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "callrec-benchmark");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "5000");
        // An event must not wait in the broker for more data: it is a latency measurement.
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "50");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
            consumer = c;
            if (!running) {
                return;
            }
            c.subscribe(Set.of(topic));
            while (running && !ready.isDone()) {
                c.poll(Duration.ofMillis(100)).forEach(this::accept); // nothing yet: positions are unresolved
                Set<TopicPartition> assigned = c.assignment();
                if (!assigned.isEmpty()) {
                    // Resolve "latest" now, before any phone calls: later events are all seen.
                    assigned.forEach(c::position);
                    ready.complete(new HashSet<>(assigned));
                }
            }
            while (running) {
                ConsumerRecords<String, String> records = c.poll(Duration.ofMillis(200));
                records.forEach(this::accept);
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (RuntimeException e) {
            ready.completeExceptionally(e);
        } finally {
            ready.completeExceptionally(new IllegalStateException("watcher stopped"));
        }
    }

    private void accept(ConsumerRecord<String, String> record) {
        long now = System.currentTimeMillis();
        received.incrementAndGet();
        ReceivedCompletion event;
        try {
            event = ReceivedCompletion.from(record.value(), record.timestamp(), now);
        } catch (RuntimeException e) {
            unreadable.incrementAndGet();
            return;
        }
        if (event == null) {
            return;
        }
        events.putIfAbsent(event.phoneKey(), event);
        synchronized (arrivals) {
            arrivals.notifyAll();
        }
    }

    /** Waits until an event is held for every key, or the timeout; returns true when all came. */
    boolean awaitAll(Collection<String> keys, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (arrivals) {
            while (!events.keySet().containsAll(keys)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(arrivals, Math.min(left, 500_000_000L));
            }
            return true;
        }
    }

    /** The first event received for each phone key. */
    Map<String, ReceivedCompletion> events() {
        return events;
    }

    /** Records received on the topic (ours or not). */
    long received() {
        return received.get();
    }

    /** Records that were not a JSON object. */
    long unreadable() {
        return unreadable.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            thread.join(10_000);
        }
    }
}
