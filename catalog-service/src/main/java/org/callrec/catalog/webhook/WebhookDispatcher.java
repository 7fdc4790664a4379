package org.callrec.catalog.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.callrec.catalog.config.CatalogConfig;
import org.callrec.catalog.db.Db;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Sends the queued webhook deliveries. Every {@code catalog.webhooks.poll-interval} (at once
 * after a full round, or when {@link #wake woken}) one thread claims up to
 * {@code catalog.webhooks.batch-size} due pending deliveries of enabled webhooks with
 * {@code SELECT … FOR UPDATE SKIP LOCKED} and, in that same short transaction, moves their
 * {@code next_attempt_at} a lease ahead (twice the timeout and a minute): another replica (or
 * this one) takes a delivery again only once that lease ran out, so no attempt is sent twice at
 * the same time, and one whose sender died is sent again later (at least once; receivers
 * de-duplicate by {@code Callrec-Event-Id}). The deliveries are then sent by
 * {@code catalog.webhooks.concurrency} workers, no transaction open, and each outcome written
 * in a transaction of its own:
 * <ul>
 * <li>2xx: {@code delivered};</li>
 * <li>anything else (a status, a timeout, no connection, a private address): attempts + 1 and the
 * next attempt after {@link #backoff} — until {@code catalog.webhooks.retry-for} after the
 * delivery was queued: the attempt failing after that is the last ({@code failed}).</li>
 * </ul>
 * The receiver's host is resolved and checked by {@link AddressGuard} before each attempt.
 * Nothing thrown leaves the loop; every wait is bounded.
 */
@ApplicationScoped
public class WebhookDispatcher {

    /** The {@code User-Agent} of every delivery. */
    public static final String USER_AGENT = "callrec-webhooks";
    /** Most characters of {@code last_error}. */
    public static final int MAX_ERROR = 500;

    private static final Logger LOG = Logger.getLogger(WebhookDispatcher.class);
    private static final int MAX_BATCH = 500;
    private static final String METRIC = "callrec_catalog_webhook_deliveries_total";

    /** A delivery claimed for one attempt. */
    record Claimed(long id, String webhookId, String eventId, String eventType, String payload, String url,
                   String secret, int attempts) {
    }

    /** How an attempt went. */
    enum Outcome { DELIVERED, RETRY, FAILED, REFUSED }

    @Inject
    CatalogConfig config;
    @Inject
    Db db;
    @Inject
    MeterRegistry registry;

    private final Semaphore wake = new Semaphore(0);
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile Thread thread;
    /** When {@link #expireDisabled} last ran (System.nanoTime; 0: never); the dispatcher thread's. */
    private long expiredAt;
    private ExecutorService workers;
    private HttpClient client;

    void start(@Observes StartupEvent event) {
        CatalogConfig.Webhooks c = config.webhooks();
        for (Outcome o : Outcome.values()) {
            registry.counter(METRIC, "outcome", tag(o)); // present from the start, at 0
        }
        client = HttpClient.newBuilder()
                .connectTimeout(c.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        AtomicInteger n = new AtomicInteger();
        workers = Executors.newFixedThreadPool(Math.max(1, c.concurrency()), r -> {
            Thread t = new Thread(r, "webhook-sender-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        running.set(true);
        thread = new Thread(this::run, "webhook-dispatcher");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) {
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
        if (workers != null) {
            workers.shutdownNow();
        }
    }

    /** Look for due deliveries now (e.g. after a commit that queued some). */
    public void wake() {
        if (wake.availablePermits() == 0) {
            wake.release();
        }
    }

    /**
     * The wait after failed attempt number {@code attempt} (1 for the first): {@code initial}
     * doubled {@code attempt - 1} times, at most {@code max}, then a random point of its upper half
     * ({@code random} in [0, 1]), so that many deliveries failing together do not retry together.
     */
    static Duration backoff(int attempt, Duration initial, Duration max, double random) {
        double full = initial.toMillis() * Math.pow(2, Math.min(Math.max(attempt, 1) - 1, 40));
        double capped = Math.min(full, max.toMillis());
        return Duration.ofMillis(Math.round(capped / 2 + random * capped / 2));
    }

    private void run() {
        boolean warned = false;
        while (running.get()) {
            try {
                expireDisabled();
                List<Claimed> claimed = claim();
                sendAll(claimed);
                warned = false;
                if (claimed.size() < batchSize()) {
                    pause(config.webhooks().pollInterval().toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception e) {
                if (!warned) {
                    LOG.warnf("Webhook dispatcher: %s; retrying (logged once until it works again)", e.toString());
                    warned = true;
                }
                try {
                    pause(Math.max(1000, config.webhooks().pollInterval().toMillis()));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
    }

    private int batchSize() {
        return Math.min(Math.max(1, config.webhooks().batchSize()), MAX_BATCH);
    }

    /** How long a claim keeps other senders off a delivery: well over the longest attempt. */
    private Duration lease() {
        return config.webhooks().timeout().multipliedBy(2).plusMinutes(1);
    }

    /** A disabled webhook's deliveries wait; past retry-for they fail without an attempt (looked at every 30 poll intervals). */
    private void expireDisabled() {
        long now = System.nanoTime();
        if (expiredAt != 0 && now - expiredAt < config.webhooks().pollInterval().toNanos() * 30) {
            return;
        }
        expiredAt = now;
        db.inTransaction(tx -> {
            try (PreparedStatement s = tx.connection().prepareStatement("UPDATE webhook_deliveries d "
                    + "SET state = 'failed', last_error = 'webhook-disabled' FROM webhooks w "
                    + "WHERE w.id = d.webhook_id AND NOT w.enabled AND d.state = 'pending' "
                    + "AND d.created_at + make_interval(secs => ?) <= now()")) {
                s.setDouble(1, seconds(config.webhooks().retryFor()));
                return s.executeUpdate();
            }
        });
    }

    /** Claims the due deliveries for one attempt each (package-private for the tests). */
    List<Claimed> claim() {
        return db.inTransaction(tx -> {
            List<Claimed> out = new ArrayList<>();
            try (PreparedStatement s = tx.connection().prepareStatement("WITH due AS ("
                    + "SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id "
                    + "WHERE d.state = 'pending' AND d.next_attempt_at <= now() AND w.enabled "
                    + "ORDER BY d.next_attempt_at LIMIT ? FOR UPDATE OF d SKIP LOCKED) "
                    + "UPDATE webhook_deliveries d SET next_attempt_at = now() + make_interval(secs => ?) "
                    + "FROM due, webhooks w WHERE d.id = due.id AND w.id = d.webhook_id "
                    + "RETURNING d.id, d.webhook_id, d.event_id, d.event_type, d.payload, w.url, w.secret, d.attempts")) {
                s.setInt(1, batchSize());
                s.setDouble(2, seconds(lease()));
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(new Claimed(r.getLong(1), r.getString(2), r.getString(3), r.getString(4),
                                r.getString(5), r.getString(6), r.getString(7), r.getInt(8)));
                    }
                }
            }
            return out;
        });
    }

    private void sendAll(List<Claimed> claimed) throws InterruptedException {
        if (claimed.isEmpty()) {
            return;
        }
        List<Future<?>> running = new ArrayList<>();
        for (Claimed d : claimed) {
            running.add(workers.submit(() -> attempt(d)));
        }
        long deadline = System.nanoTime() + lease().toNanos();
        for (Future<?> f : running) {
            try {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                LOG.warnf("Webhook delivery failed unexpectedly: %s", e.getCause());
            } catch (TimeoutException e) {
                // a sender stuck past its lease (a resolver that does not answer): go on without it
                LOG.warn("Webhook delivery still running after its lease; the dispatcher goes on");
            }
        }
    }

    /** One attempt of one delivery, its outcome stored and counted; never throws. */
    void attempt(Claimed d) {
        try {
            Outcome outcome = send(d);
            registry.counter(METRIC, "outcome", tag(outcome)).increment();
        } catch (Exception e) {
            LOG.warnf("Webhook delivery %d (webhook %s): its outcome could not be stored: %s", d.id(), d.webhookId(), e);
        }
    }

    private Outcome send(Claimed d) {
        URI uri;
        try {
            uri = URI.create(d.url());
            if (uri.getHost() == null) {
                return failed(d, null, "the URL has no host");
            }
            // getAllByName accepts the bracketed IPv6 form getHost() gives
            if (AddressGuard.resolve(uri.getHost(), config.webhooks().allowPrivateNetworks()).isEmpty()) {
                failed(d, null, AddressGuard.PRIVATE_NETWORK);
                return Outcome.REFUSED;
            }
        } catch (UnknownHostException e) {
            return failed(d, null, "unknown host");
        } catch (IllegalArgumentException e) {
            return failed(d, null, "not a URL");
        }
        int status;
        try {
            long t = Instant.now().getEpochSecond();
            HttpRequest request = HttpRequest.newBuilder(uri)
                    .timeout(config.webhooks().timeout())
                    .header("Content-Type", "application/json")
                    .header("User-Agent", USER_AGENT)
                    .header("Callrec-Event-Id", d.eventId())
                    .header("Callrec-Event-Type", d.eventType())
                    .header("Callrec-Signature", WebhookSignature.header(d.secret(), t, d.payload()))
                    .POST(HttpRequest.BodyPublishers.ofString(d.payload()))
                    .build();
            // the body is never read: closing the stream at once drops it (and the connection)
            CompletableFuture<HttpResponse<InputStream>> exchange =
                    client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
            HttpResponse<InputStream> response;
            try {
                // the request timeout bounds the wait already; this is the belt to its braces
                response = exchange.get(config.webhooks().timeout().multipliedBy(2).toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | InterruptedException e) {
                exchange.cancel(true);
                throw e;
            }
            status = response.statusCode();
            closeQuietly(response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(d, null, "interrupted");
        } catch (TimeoutException e) {
            return failed(d, null, "timeout");
        } catch (ExecutionException e) {
            return failed(d, null, describe(e.getCause()));
        } catch (RuntimeException e) {
            return failed(d, null, describe(e));
        }
        if (status >= 200 && status < 300) {
            delivered(d, status);
            return Outcome.DELIVERED;
        }
        return failed(d, status, "HTTP " + status);
    }

    private void delivered(Claimed d, int status) {
        db.inTransaction(tx -> {
            try (PreparedStatement s = tx.connection().prepareStatement("UPDATE webhook_deliveries SET state = 'delivered', "
                    + "delivered_at = now(), attempts = attempts + 1, last_status = ?, last_error = NULL "
                    + "WHERE id = ? AND state = 'pending'")) {
                s.setInt(1, status);
                s.setLong(2, d.id());
                return s.executeUpdate();
            }
        });
    }

    /** A failed attempt: retried after the back-off, or failed for good past retry-for. */
    private Outcome failed(Claimed d, Integer status, String error) {
        CatalogConfig.Webhooks c = config.webhooks();
        Duration wait = backoff(d.attempts() + 1, c.initialBackoff(), c.maxBackoff(), ThreadLocalRandom.current().nextDouble());
        String state = db.inTransaction(tx -> {
            try (PreparedStatement s = tx.connection().prepareStatement("UPDATE webhook_deliveries SET "
                    + "attempts = attempts + 1, last_status = ?, last_error = ?, "
                    + "state = CASE WHEN created_at + make_interval(secs => ?) <= now() THEN 'failed' ELSE 'pending' END, "
                    + "next_attempt_at = least(now() + make_interval(secs => ?), created_at + make_interval(secs => ?)) "
                    + "WHERE id = ? AND state = 'pending' RETURNING state")) {
                if (status == null) {
                    s.setNull(1, java.sql.Types.INTEGER);
                } else {
                    s.setInt(1, status);
                }
                s.setString(2, truncate(error));
                s.setDouble(3, seconds(c.retryFor()));
                s.setDouble(4, seconds(wait));
                s.setDouble(5, seconds(c.retryFor()));
                s.setLong(6, d.id());
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? r.getString(1) : "gone";
                }
            }
        });
        LOG.debugf("Webhook delivery %d (webhook %s) attempt %d: %s → %s", d.id(), d.webhookId(), d.attempts() + 1, error, state);
        return "failed".equals(state) ? Outcome.FAILED : Outcome.RETRY;
    }

    private static String describe(Throwable e) {
        if (e instanceof HttpTimeoutException) {
            return "timeout";
        }
        if (e instanceof ConnectException) {
            return "connection refused or unreachable";
        }
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    static String truncate(String error) {
        return error == null || error.length() <= MAX_ERROR ? error : error.substring(0, MAX_ERROR);
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    private static String tag(Outcome o) {
        return o.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the body is not wanted
        }
    }

    private void pause(long millis) throws InterruptedException {
        if (wake.tryAcquire(millis, TimeUnit.MILLISECONDS)) {
            wake.drainPermits();
        }
    }
}
