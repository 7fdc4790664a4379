package org.callrec.control.allocation;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.callrec.control.config.ControlConfig;
import org.callrec.core.allocation.AllocateRequest;
import org.callrec.core.allocation.InternalApi;
import org.callrec.core.allocation.LeaseRenewal;
import org.callrec.core.allocation.ReleaseRequest;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/**
 * The one HTTP client for everything control-service asks an ingest node
 * ({@link InternalApi}): allocate, release, renew leases, status. Every call has
 * {@code control.ingest.timeout} as connect and answer timeout; connections are kept alive.
 *
 * <p>It only carries the calls: the answers (whatever their status) come back as they are, for
 * {@link IngestAllocator} and the lease renewals to read. Nodes are named by their base URL,
 * as in {@code control.ingest.nodes}.
 */
@ApplicationScoped
public class IngestNodeClient {

    @Inject
    ControlConfig config;
    @Inject
    Vertx vertx;

    private WebClient client;

    @PostConstruct
    void init() {
        client = WebClient.create(vertx, new WebClientOptions()
                .setConnectTimeout((int) config.ingest().timeout().toMillis())
                .setKeepAlive(true));
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
        return client.getAbs(node + InternalApi.NODE)
                .timeout(config.ingest().timeout().toMillis())
                .send();
    }

    private Future<HttpResponse<Buffer>> post(String node, String path, Object body) {
        return client.postAbs(node + path)
                .timeout(config.ingest().timeout().toMillis())
                .sendJson(body);
    }
}
