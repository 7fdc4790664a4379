package org.callrec.catalog.auth;

import java.time.Duration;
import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.callrec.catalog.config.CatalogConfig;
import org.callrec.catalog.problem.ProblemException;
import org.callrec.catalog.problem.ProblemMappers;
import org.callrec.core.auth.BearerTokens;
import org.callrec.logging.RateLimitedLog;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.http.HttpServerRequest;

/**
 * The one place where API requests are authenticated: every {@code /api/} request needs
 * {@code Authorization: Bearer <key>}, the operator key or a tenant API key (looked up by its
 * SHA-256). Anything else is a 401 problem, counted by reason in
 * {@code callrec_catalog_auth_failures_total}; an invalid key is logged with the client's address
 * (rate-limited, never the key). Runs on a worker thread (the key lookup is JDBC).
 */
@ApplicationScoped
public class ApiKeyFilter {

    private static final Logger LOG = Logger.getLogger(ApiKeyFilter.class);
    private static final String PREFIX = BearerTokens.SCHEME + " ";

    @Inject
    CatalogConfig config;
    @Inject
    ApiKeyStore keys;
    @Inject
    CurrentCaller current;
    @Inject
    MeterRegistry registry;
    @Inject
    OidcTokens oidc;

    private volatile OperatorKey operatorKey;
    private volatile long operatorKeyReadAt;
    private boolean reloadWarned;
    private final RateLimitedLog refusals = new RateLimitedLog(LOG, 20, Duration.ofSeconds(10));

    /** Reads the operator key at startup: a service without a usable one does not start. */
    void init(@Observes StartupEvent event) {
        operatorKey = OperatorKey.read(config.operatorKeyFile());
        operatorKeyReadAt = System.nanoTime();
        LOG.infof("Operator key file %s: %s", config.operatorKeyFile(), operatorKey);
    }

    @ServerRequestFilter
    public Optional<Response> authenticate(ContainerRequestContext request, HttpServerRequest http) {
        if (!request.getUriInfo().getPath().startsWith("/api/")) {
            return Optional.empty();
        }
        String authorization = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (authorization == null || authorization.length() <= PREFIX.length()
                || !authorization.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return refuse("missing", "an API key is required: Authorization: Bearer <key>", http);
        }
        String key = authorization.substring(PREFIX.length()).strip();
        if (operatorKey().accepts(key)) {
            current.set(Caller.OPERATOR);
            return Optional.empty();
        }
        Optional<Caller> tenantKey = keys.authenticate(key);
        if (tenantKey.isEmpty() && oidc.enabled() && key.chars().filter(ch -> ch == '.').count() == 2) {
            // a JWT: quarkus-oidc verifies it, its claims name the tenant and scopes
            tenantKey = oidc.authenticate();
        }
        if (tenantKey.isEmpty()) {
            return refuse("invalid", "the API key is not valid", http);
        }
        current.set(tenantKey.get());
        return Optional.empty();
    }

    /**
     * The operator key, read again from its file when {@code catalog.operator-key-reload-interval}
     * has passed since the last reading (on this request's worker thread; the file is small). A
     * file that can no longer be read or parsed keeps the key as it was, with one WARN.
     */
    private OperatorKey operatorKey() {
        long now = System.nanoTime();
        if (now - operatorKeyReadAt >= config.operatorKeyReloadInterval().toNanos()) {
            synchronized (this) {
                if (now - operatorKeyReadAt >= config.operatorKeyReloadInterval().toNanos()) {
                    operatorKeyReadAt = now;
                    try {
                        operatorKey = OperatorKey.read(config.operatorKeyFile());
                        reloadWarned = false;
                    } catch (IllegalStateException e) {
                        if (!reloadWarned) {
                            LOG.warnf("%s; the operator key stays as it was", e.getMessage());
                            reloadWarned = true;
                        }
                    }
                }
            }
        }
        return operatorKey;
    }

    private Optional<Response> refuse(String reason, String detail, HttpServerRequest http) {
        registry.counter("callrec_catalog_auth_failures_total", "reason", reason).increment();
        if (reason.equals("invalid")) {
            // a wrong key is worth a line (guessing, a revoked key still in use); never the key itself
            refusals.infof("invalid-key", "Refused an invalid API key from %s",
                    http.remoteAddress() == null ? "?" : http.remoteAddress().hostAddress());
        }
        return Optional.of(new ProblemMappers().problem(ProblemException.unauthorized(detail)));
    }
}
