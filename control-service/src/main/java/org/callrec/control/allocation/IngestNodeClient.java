package org.callrec.control.allocation;

import java.time.Duration;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.callrec.control.config.ControlConfig;
import org.callrec.core.allocation.AllocateRequest;
import org.callrec.core.allocation.InternalApi;
import org.callrec.core.allocation.LeaseRenewal;
import org.callrec.core.allocation.ReleaseRequest;
import org.callrec.core.auth.TokenFile;
import org.callrec.logging.LogThrottle;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/**
 * The one HTTP client for everything control-service asks an ingest node
 * ({@link InternalApi}): allocate, release, renew leases, status. Every call has
 * {@code control.ingest.timeout} as connect and answer timeout and carries the service
 * credential ({@code Authorization: Bearer}, the first token of {@code control.ingest.token-file},
 * read again every {@code control.ingest.token-reload-interval}); connections are kept alive;
 * {@code https://} nodes are trusted through {@code control.ingest.trust-file}.
 *
 * <p>It only carries the calls: the answers (whatever their status) come back as they are, for
 * {@link IngestAllocator} and the lease renewals to read. A 401 (the node does not accept our
 * token) is also counted ({@value #METRIC}) and logged at WARN at most once a minute. Nodes are
 * named by their base URL, as in {@code control.ingest.nodes}.
 */
@ApplicationScoped
public class IngestNodeClient {

    /** Config key of the token file. */
    public static final String TOKEN_FILE_KEY = "control.ingest.token-file";
    /** Meter of calls a node refused for the credential ({@code callrec_control_ingest_unauthorized_total}). */
    public static final String METRIC = "callrec.control.ingest.unauthorized";

    private static final Logger LOG = Logger.getLogger(IngestNodeClient.class);

    @Inject
    ControlConfig config;
    @Inject
    Vertx vertx;
    @Inject
    MeterRegistry registry;

    private final LogThrottle unauthorizedLog = new LogThrottle(Duration.ofMinutes(1));
    private final LogThrottle reloadLog = new LogThrottle(Duration.ofMinutes(5));
    private WebClient client;
    private TokenFile token;
    private Counter unauthorized;
    private long reloadTimer = -1;

    @PostConstruct
    void init() {
        token = TokenFile.open(config.ingest().tokenFile(), TOKEN_FILE_KEY);
        unauthorized = Counter.builder(METRIC)
                .description("Calls to an ingest node it refused with 401 (it does not accept our token)")
                .register(registry);
        WebClientOptions options = new WebClientOptions()
                .setConnectTimeout((int) config.ingest().timeout().toMillis())
                .setKeepAlive(true)
                .setMaxPoolSize(config.ingest().maxConnections())
                .setVerifyHost(true);
        config.ingest().trustFile().ifPresent(ca -> options.setTrustOptions(new PemTrustOptions().addCertPath(ca.toString())));
        client = WebClient.create(vertx, options);
        long interval = Math.max(100, config.ingest().tokenReloadInterval().toMillis());
        reloadTimer = vertx.setPeriodic(interval, id -> vertx.executeBlocking(this::reloadToken, false));
    }

    @PreDestroy
    void stop() {
        if (reloadTimer >= 0) {
            vertx.cancelTimer(reloadTimer);
        }
    }

    /** {@code POST /internal/v1/allocations}. */
    public Future<HttpResponse<Buffer>> allocate(String node, AllocateRequest request) {
        return post(node, InternalApi.ALLOCATIONS, request);
    }

    /** {@code POST /internal/v1/allocations/{id}/release}. */
    public Future<HttpResponse<Buffer>> release(String node, String recordingId, ReleaseRequest request) {
        return post(node, InternalApi.release(recordingId), request);
    }

    /** {@code POST /internal/v1/leases}. */
    public Future<HttpResponse<Buffer>> renewLeases(String node, LeaseRenewal renewal) {
        return post(node, InternalApi.LEASES, renewal);
    }

    /** {@code GET /internal/v1/node}. */
    public Future<HttpResponse<Buffer>> status(String node) {
        return watch(node, authorized(client.getAbs(node + InternalApi.NODE)).send());
    }

    /** Whether the node refused the call for our credential (such an answer says nothing about the node's health). */
    public static boolean unauthorized(HttpResponse<Buffer> response) {
        return response.statusCode() == 401;
    }

    private Future<HttpResponse<Buffer>> post(String node, String path, Object body) {
        return watch(node, authorized(client.postAbs(node + path)).sendJson(body));
    }

    private HttpRequest<Buffer> authorized(HttpRequest<Buffer> request) {
        return request.timeout(config.ingest().timeout().toMillis())
                .putHeader(HttpHeaders.AUTHORIZATION.toString(), token.tokens().authorization());
    }

    private Future<HttpResponse<Buffer>> watch(String node, Future<HttpResponse<Buffer>> call) {
        return call.onSuccess(response -> {
            if (unauthorized(response)) {
                unauthorized.increment();
                long leftOut = unauthorizedLog.admit();
                if (leftOut >= 0) {
                    LOG.warnf("Ingest node %s refuses our credential (401): %s must hold a token of the node's "
                            + "ingest.api.token-file (%d more such answers not logged)", node, TOKEN_FILE_KEY, leftOut);
                }
            }
        });
    }

    private Void reloadToken() {
        try {
            if (token.reload()) {
                LOG.infof("Token file %s changed: the new first token is sent from now on", token.path());
            }
        } catch (IllegalStateException e) {
            if (reloadLog.admit() >= 0) {
                LOG.warnf("%s; the token read before is still sent", e.getMessage());
            }
        }
        return null;
    }
}
