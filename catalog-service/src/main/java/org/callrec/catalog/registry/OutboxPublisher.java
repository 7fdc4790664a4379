package org.callrec.catalog.registry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.callrec.catalog.config.CatalogConfig;
import org.callrec.catalog.db.Db;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.kafka.Record;

/**
 * Drains {@code registry_outbox} to the registry topic, in sequence order, on one thread. Only one
 * catalog replica publishes at a time: the one holding the PostgreSQL session advisory lock
 * {@value #LOCK_ID} on its own connection (the others retry every
 * {@code catalog.registry.lock-retry-interval}; a replica that dies loses its session, so its
 * lock). Each round sends up to {@code catalog.registry.batch-size} rows through the
 * {@code registry-out} channel (idempotent producer, {@code acks=all}) and deletes them only once
 * the broker acknowledged every one; a failed round is sent again (a compacted topic keeps the
 * last value of a key, so a repeat is harmless). A commit that wrote to the outbox wakes the
 * thread at once; otherwise it looks every {@code catalog.registry.poll-interval}.
 */
@ApplicationScoped
public class OutboxPublisher {

    /** The advisory lock key of the publisher (an arbitrary constant: "callrec" in ASCII, folded). */
    public static final long LOCK_ID = 0x63616c6c726563L;

    private static final Logger LOG = Logger.getLogger(OutboxPublisher.class);
    private static final int MAX_BATCH = 1000;

    @Inject
    CatalogConfig config;
    @Inject
    Db db;
    @Inject
    RegistryTopic topic;
    @Inject
    MeterRegistry registry;
    @Inject
    @Channel("registry-out")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = MAX_BATCH)
    Emitter<Record<String, String>> emitter;

    private final Semaphore wake = new Semaphore(0);
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean leader = new AtomicBoolean();
    private volatile Thread thread;
    private volatile boolean topicReady;
    private Connection lockConnection;
    private Counter published;
    /** Rows in the outbox as last counted by the publishing replica (-1: not the publisher). */
    private final AtomicLong backlog = new AtomicLong(-1);
    private long backlogCountedAt;

    void start(@Observes StartupEvent event) {
        published = registry.counter("callrec_catalog_registry_published_total");
        registry.gauge("callrec_catalog_registry_publisher_leader", leader, l -> l.get() ? 1 : 0);
        registry.gauge("callrec_catalog_registry_outbox_rows", backlog, AtomicLong::get);
        running.set(true);
        thread = new Thread(this::run, "registry-outbox-publisher");
        thread.setDaemon(true);
        thread.start();
    }

    @PreDestroy
    void stop() {
        running.set(false);
        Thread t = thread;
        if (t != null) {
            wake.release();
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Drain now (called after a commit that wrote outbox rows). */
    public void wake() {
        if (wake.availablePermits() == 0) {
            wake.release();
        }
    }

    /** Whether this replica holds the publisher lock. */
    public boolean leader() {
        return leader.get();
    }

    /** Whether the registry topic was created or checked. */
    public boolean topicReady() {
        return topicReady;
    }

    private void run() {
        boolean warned = false;
        while (running.get()) {
            try {
                if (!topicReady) {
                    topic.ensure();
                    topicReady = true;
                }
                if (lockConnection == null && !acquireLock()) {
                    pause(config.registry().lockRetryInterval().toMillis());
                    continue;
                }
                int sent = drainOnce();
                countBacklog();
                warned = false;
                if (sent == 0) {
                    pause(config.registry().pollInterval().toMillis());
                }
            } catch (SQLException | RuntimeException e) {
                if (!warned) {
                    LOG.warnf("Registry publisher: %s; retrying (logged once until it works again)", e.toString());
                    warned = true;
                }
                releaseLock();
                if (!backOff()) {
                    break;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        releaseLock();
    }

    private boolean acquireLock() throws SQLException {
        Connection c = db.dataSource().getConnection();
        boolean ok = false;
        try (PreparedStatement s = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            s.setLong(1, LOCK_ID);
            try (ResultSet r = s.executeQuery()) {
                ok = r.next() && r.getBoolean(1);
            }
        } finally {
            if (!ok) {
                c.close();
            }
        }
        if (ok) {
            lockConnection = c;
            leader.set(true);
            LOG.info("This replica publishes the registry (holds the outbox lock)");
        }
        return ok;
    }

    /** At most once a second: rows waiting (Kafka down shows here first). */
    private void countBacklog() throws SQLException {
        long now = System.nanoTime();
        if (backlog.get() >= 0 && now - backlogCountedAt < 1_000_000_000L) {
            return;
        }
        backlogCountedAt = now;
        try (PreparedStatement s = lockConnection.prepareStatement("SELECT count(*) FROM registry_outbox");
             ResultSet r = s.executeQuery()) {
            r.next();
            backlog.set(r.getLong(1));
        }
    }

    /** Rows in the outbox at the last count, or -1 when this replica does not publish. */
    public long backlog() {
        return backlog.get();
    }

    private void releaseLock() {
        leader.set(false);
        backlog.set(-1);
        if (lockConnection != null) {
            try {
                // closing a pooled connection keeps the session: unlock explicitly
                try (PreparedStatement s = lockConnection.prepareStatement("SELECT pg_advisory_unlock_all()")) {
                    s.execute();
                }
            } catch (SQLException ignored) {
                // a broken session has lost its locks anyway
            }
            try {
                lockConnection.close();
            } catch (SQLException ignored) {
                // nothing to do
            }
            lockConnection = null;
        }
    }

    /** One round: send the oldest rows, wait for the acks, delete them; rows sent. */
    private int drainOnce() throws SQLException, InterruptedException {
        int batch = Math.min(Math.max(1, config.registry().batchSize()), MAX_BATCH);
        List<Long> seqs = new ArrayList<>();
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        try (PreparedStatement s = lockConnection.prepareStatement(
                "SELECT seq, record_key, record_value FROM registry_outbox ORDER BY seq LIMIT ?")) {
            s.setInt(1, batch);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    seqs.add(r.getLong(1));
                    acks.add(send(r.getString(2), r.getString(3)));
                }
            }
        }
        if (seqs.isEmpty()) {
            return 0;
        }
        try {
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                    .get(config.registry().sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the broker did not acknowledge the registry records: " + e.getMessage(), e);
        }
        // exactly the rows sent: a row with a lower seq may have been committed since the SELECT
        try (PreparedStatement s = lockConnection.prepareStatement("DELETE FROM registry_outbox WHERE seq = ANY(?)")) {
            s.setArray(1, lockConnection.createArrayOf("bigint", seqs.toArray()));
            s.executeUpdate();
        }
        published.increment(seqs.size());
        return seqs.size();
    }

    private CompletableFuture<Void> send(String key, String value) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        emitter.send(Message.of(Record.of(key, value), () -> {
            acked.complete(null);
            return CompletableFuture.completedFuture(null);
        }, failure -> {
            acked.completeExceptionally(failure);
            return CompletableFuture.completedFuture(null);
        }));
        return acked;
    }

    /** Waits a second after a failure; false when interrupted. */
    private boolean backOff() {
        try {
            pause(1000);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void pause(long millis) throws InterruptedException {
        if (wake.tryAcquire(millis, TimeUnit.MILLISECONDS)) {
            wake.drainPermits();
        }
    }
}
