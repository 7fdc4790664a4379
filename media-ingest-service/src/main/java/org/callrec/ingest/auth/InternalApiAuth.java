package org.callrec.ingest.auth;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.callrec.core.allocation.ApiError;
import org.callrec.core.auth.BearerTokens;
import org.callrec.core.auth.BearerTokens.Verdict;
import org.callrec.core.auth.TokenFile;
import org.callrec.core.protocol.RefusalReason;
import org.callrec.ingest.config.IngestConfig;
import org.callrec.logging.LogThrottle;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The one check of the service credential: a route on the HTTP server's router (the internal API
 * port, not the management interface) ahead of every other, so that no path on that port is
 * served without {@code Authorization: Bearer <token>} with a token of {@code ingest.api.token-file}.
 * Any other call gets 401 with {@code WWW-Authenticate: Bearer} and an {@link ApiError}
 * {@code unauthorized}, is counted ({@value #METRIC}, tag {@code credential} = {@code missing} |
 * {@code invalid}) and logged at WARN at most once per {@value #LOG_INTERVAL_SECONDS} s.
 *
 * <p>The file is read when the router is set up (a missing or unusable file stops the start,
 * naming the key) and again every {@code ingest.api.token-reload-interval}, off the event loop.
 */
@ApplicationScoped
public class InternalApiAuth {

    /** Config key of the token file. */
    public static final String TOKEN_FILE_KEY = "ingest.api.token-file";
    /** Meter of refused calls ({@code callrec_ingest_api_unauthorized_total}). */
    public static final String METRIC = "callrec.ingest.api.unauthorized";
    /** At most one WARN line about refused calls per this many seconds. */
    public static final int LOG_INTERVAL_SECONDS = 10;

    private static final Logger LOG = Logger.getLogger(InternalApiAuth.class);

    @Inject
    IngestConfig config;
    @Inject
    MeterRegistry registry;
    @Inject
    Vertx vertx;

    private final LogThrottle logThrottle = new LogThrottle(Duration.ofSeconds(LOG_INTERVAL_SECONDS));
    private final LogThrottle reloadThrottle = new LogThrottle(Duration.ofMinutes(5));
    private final Map<Verdict, Counter> refused = new EnumMap<>(Verdict.class);
    private final Map<Verdict, String> challenges = Map.of(
            Verdict.MISSING, BearerTokens.SCHEME + " realm=\"callrec-internal\"",
            Verdict.INVALID, BearerTokens.SCHEME + " realm=\"callrec-internal\", error=\"invalid_token\"");
    private final String body = Json.encode(new ApiError(RefusalReason.UNAUTHORIZED.token(),
            "this API needs the service credential: Authorization: Bearer <token>"));
    private volatile TokenFile tokens;
    private long reloadTimer = -1;

    /** Installs the check on the internal API's router (called by Quarkus as the router is set up). */
    void install(@Observes Router router) {
        tokens = TokenFile.open(config.api().tokenFile(), TOKEN_FILE_KEY);
        for (Verdict v : new Verdict[] {Verdict.MISSING, Verdict.INVALID}) {
            refused.put(v, Counter.builder(METRIC)
                    .description("Calls to the internal API refused for a missing or invalid credential")
                    .tag("credential", v.name().toLowerCase(java.util.Locale.ROOT))
                    .register(registry));
        }
        router.route().order(Integer.MIN_VALUE).handler(this::check);
        long interval = Math.max(100, config.api().tokenReloadInterval().toMillis());
        reloadTimer = vertx.setPeriodic(interval, id -> vertx.executeBlocking(this::reload, false));
        LOG.infof("Internal API: %s token(s) accepted from %s", tokens.tokens().size(), tokens.path());
    }

    void stop(@Observes ShutdownEvent event) {
        if (reloadTimer >= 0) {
            vertx.cancelTimer(reloadTimer);
        }
    }

    private void check(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        Verdict verdict = tokens.tokens().check(request.getHeader(HttpHeaders.AUTHORIZATION));
        if (verdict == Verdict.ACCEPTED) {
            ctx.next();
            return;
        }
        refused.get(verdict).increment();
        long leftOut = logThrottle.admit();
        if (leftOut >= 0) {
            LOG.warnf("Internal API call refused (%s credential): %s %s from %s (%d similar refusals not logged)",
                    verdict.name().toLowerCase(java.util.Locale.ROOT), request.method(),
                    LogThrottle.printable(request.path(), 120),
                    request.remoteAddress() == null ? "?" : request.remoteAddress().hostAddress(), leftOut);
        }
        // Close the connection: its request body is never read.
        ctx.response().setStatusCode(401)
                .putHeader("WWW-Authenticate", challenges.get(verdict))
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(body);
    }

    private Void reload() {
        try {
            if (tokens.reload()) {
                LOG.infof("Internal API: token file %s changed, %s token(s) accepted now", tokens.path(),
                        tokens.tokens().size());
            }
        } catch (IllegalStateException e) {
            if (reloadThrottle.admit() >= 0) {
                LOG.warnf("%s; the tokens read before stay accepted", e.getMessage());
            }
        }
        return null;
    }
}
