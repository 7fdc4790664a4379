package org.callrec.control.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.callrec.core.chunk.Topics;
import org.callrec.core.registry.TenantActivity;
import org.callrec.infra.EmbeddedKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The tenants' limit across two control replicas: two {@link TenantQuota}s, each published and
 * read through a real Kafka topic with the production timing (change coalesced every 250 ms,
 * heartbeat every 1 s, 5 s expiry), as {@link ActivityChannel} does it with SmallRye. The bound
 * asserted here is the one docs/README.md states ("The limit across replicas").
 */
class TenantQuotaReplicasTest {

    static final long PUBLISH_MILLIS = 250;
    static final long HEARTBEAT_MILLIS = 1_000;
    static final long EXPIRY_MILLIS = 5_000;
    static final int LIMIT = 10;
    static final int REPLICAS = 2;
    static final String TENANT = "acme";
    static final Duration WAIT = Duration.ofSeconds(20);
    static final ObjectMapper JSON = new ObjectMapper();

    static EmbeddedKafka kafka;

    @BeforeAll
    static void broker() throws Exception {
        kafka = EmbeddedKafka.builder().partitions(1).start();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(Topics.TENANT_ACTIVITY, 1, (short) 1)
                    .configs(Map.of("cleanup.policy", "compact")))).all().get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** One control replica's quota, its publisher and its reader of the others. */
    static final class Replica implements AutoCloseable {
        final TenantQuota quota;
        final KafkaProducer<String, String> producer;
        final KafkaConsumer<String, String> consumer;
        final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
        final Thread reader;
        volatile boolean closed;

        Replica(String id) {
            quota = new TenantQuota(id, EXPIRY_MILLIS, System::currentTimeMillis);
            producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(), "linger.ms", 0),
                    new StringSerializer(), new StringSerializer());
            consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                    "group.id", "control-activity-" + id, "auto.offset.reset", "earliest",
                    "enable.auto.commit", false), new StringDeserializer(), new StringDeserializer());
            consumer.subscribe(List.of(Topics.TENANT_ACTIVITY));
            ticks.scheduleAtFixedRate(() -> quota.due(PUBLISH_MILLIS, HEARTBEAT_MILLIS).ifPresent(this::publish),
                    0, PUBLISH_MILLIS, TimeUnit.MILLISECONDS);
            reader = new Thread(this::read, "activity-reader-" + id);
            reader.start();
        }

        private void publish(TenantActivity a) {
            try {
                producer.send(new ProducerRecord<>(Topics.TENANT_ACTIVITY, a.instance(), JSON.writeValueAsString(a)));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        private void read() {
            try {
                while (!closed) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                        quota.onActivity(JSON.readValue(r.value(), TenantActivity.class));
                    }
                }
            } catch (WakeupException e) {
                // closing
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                consumer.close();
            }
        }

        @Override
        public void close() throws InterruptedException {
            closed = true;
            ticks.shutdownNow();
            consumer.wakeup();
            reader.join(10_000);
            producer.close();
        }
    }

    @Test
    @DisplayName("a burst at both replicas: at least the limit admitted, at most what the docs bound (each replica alone up to the limit)")
    void burstAtBothReplicas() throws Exception {
        try (Replica a = new Replica("burst-a"); Replica b = new Replica("burst-b")) {
            awaitPeers(a, b);
            // Demand well over the limit, at both replicas at once
            int perReplica = 2 * LIMIT;
            AtomicInteger admitted = new AtomicInteger();
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> callers = List.of(a, b).stream().map(r -> new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perReplica; i++) {
                    if (r.quota.tryReserve(TENANT, LIMIT)) {
                        admitted.incrementAndGet();
                    }
                }
            })).toList();
            callers.forEach(Thread::start);
            go.countDown();
            for (Thread t : callers) {
                t.join();
            }
            // Bound (docs): limit + the starts the other replica admitted within one propagation
            // delay, which for a burst shorter than that delay is at most its own limit.
            assertThat(admitted.get()).isBetween(LIMIT, LIMIT + (REPLICAS - 1) * LIMIT);
            assertThat(a.quota.local(TENANT) + b.quota.local(TENANT)).isEqualTo(admitted.get());

            // Once each replica has seen the other's count, nothing more is admitted anywhere
            awaitViews(a, b);
            assertThat(a.quota.tryReserve(TENANT, LIMIT)).isFalse();
            assertThat(b.quota.tryReserve(TENANT, LIMIT)).isFalse();
            System.out.printf("burst: %d admitted at limit %d over %d replicas%n", admitted.get(), LIMIT, REPLICAS);
        }
    }

    @Test
    @DisplayName("starts further apart than the propagation delay: the limit is exact across replicas; ended recordings give places back")
    void spacedStartsAreExact() throws Exception {
        try (Replica a = new Replica("spaced-a"); Replica b = new Replica("spaced-b")) {
            awaitPeers(a, b);
            int admitted = 0;
            long slowest = 0;
            // alternate the replicas; each start waits until the other replica saw the last one
            for (int i = 0; i < 3 * LIMIT; i++) {
                Replica here = i % 2 == 0 ? a : b;
                Replica there = here == a ? b : a;
                long t0 = System.nanoTime();
                if (here.quota.tryReserve(TENANT, LIMIT)) {
                    admitted++;
                    int expected = here.quota.local(TENANT);
                    await().atMost(WAIT).until(() -> there.quota.othersActive(TENANT) == expected);
                    slowest = Math.max(slowest, (System.nanoTime() - t0) / 1_000_000);
                }
            }
            assertThat(admitted).isEqualTo(LIMIT);

            // a's recordings end: b may take their places once it has seen that
            int freed = a.quota.local(TENANT);
            for (int i = 0; i < freed; i++) {
                a.quota.release(TENANT);
            }
            await().atMost(WAIT).until(() -> b.quota.othersActive(TENANT) == 0);
            for (int i = 0; i < freed; i++) {
                assertThat(b.quota.tryReserve(TENANT, LIMIT)).isTrue();
            }
            assertThat(b.quota.tryReserve(TENANT, LIMIT)).isFalse();
            System.out.printf("propagation delay (start at one replica seen at the other): at most %d ms%n", slowest);
            assertThat(slowest).isLessThan(WAIT.toMillis());
        }
    }

    @Test
    @DisplayName("a replica that stops publishing counts for nothing after the expiry")
    void silentReplicaExpires() throws Exception {
        try (Replica a = new Replica("expiry-a")) {
            Replica b = new Replica("expiry-b");
            awaitPeers(a, b);
            for (int i = 0; i < LIMIT; i++) {
                assertThat(b.quota.tryReserve(TENANT, LIMIT)).isTrue();
            }
            await().atMost(WAIT).until(() -> a.quota.othersActive(TENANT) == LIMIT);
            assertThat(a.quota.tryReserve(TENANT, LIMIT)).isFalse();
            // b dies without a word
            b.close();
            await().atMost(Duration.ofMillis(EXPIRY_MILLIS).plus(WAIT)).until(() -> a.quota.othersActive(TENANT) == 0);
            assertThat(a.quota.tryReserve(TENANT, LIMIT)).isTrue();
        }
    }

    private static void awaitPeers(Replica a, Replica b) {
        await().atMost(WAIT).until(() -> a.quota.peers() == 1 && b.quota.peers() == 1);
    }

    private static void awaitViews(Replica a, Replica b) {
        await().atMost(WAIT).until(() -> a.quota.othersActive(TENANT) == b.quota.local(TENANT)
                && b.quota.othersActive(TENANT) == a.quota.local(TENANT));
    }

}
