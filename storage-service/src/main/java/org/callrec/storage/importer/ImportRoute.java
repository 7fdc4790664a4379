package org.callrec.storage.importer;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.callrec.core.phonefile.PhoneFileException;
import org.callrec.storage.config.StorageConfig;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /api/v1/imports}: the raw phone file as the body
 * ({@code Content-Type: application/octet-stream}), its metadata as query parameters
 * ({@link ImportRequest}). The body is streamed to {@code storage.work-dir/imports} on the event
 * loop (with back-pressure, never held in memory); the conversion and the uploads run on a
 * worker thread. Answers:
 * <ul>
 *   <li>201 {@link PhoneFileImporter.Result} — stored and announced;</li>
 *   <li>400 {@code bad-request} (a parameter), {@code invalid-file} (not a phone recording:
 *       garbage, truncated, trailing bytes…), {@code unsupported-codec};</li>
 *   <li>413 {@code too-large} — more than {@code storage.import.max-size};</li>
 *   <li>415 {@code unsupported-media-type} — a body that is not {@code application/octet-stream};</li>
 *   <li>503 {@code storage-unavailable} — S3 or Kafka failed; send the same request again.</li>
 * </ul>
 * Errors are JSON {@code {"error": token, "message": text}}.
 */
@ApplicationScoped
public class ImportRoute {

    /** Path of the endpoint. */
    public static final String PATH = "/api/v1/imports";

    /** Longest time the body of a refused request is read and discarded before the connection is closed. */
    static final java.time.Duration DRAIN_LIMIT = java.time.Duration.ofSeconds(30);

    private static final Logger LOG = Logger.getLogger(ImportRoute.class);

    @Inject
    StorageConfig config;

    @Inject
    PhoneFileImporter importer;

    @Inject
    ObjectMapper json;

    @Inject
    MeterRegistry registry;

    @Inject
    Vertx vertx;

    void routes(@Observes Router router) {
        deleteLeftovers(config.workDir().resolve("imports"));
        router.post(PATH).handler(this::handle);
    }

    /** Files of imports a previous run did not finish (their clients got no 201, so they send again). */
    private static void deleteLeftovers(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            LOG.warnf("Cannot clean the import directory %s: %s", dir, e.toString());
        }
    }

    private void handle(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        req.pause();
        String type = req.getHeader("Content-Type");
        if (type != null && !type.toLowerCase(Locale.ROOT).strip().startsWith("application/octet-stream")) {
            refuse(ctx, 415, "unsupported-media-type", "send the phone file as the raw body with Content-Type:"
                    + " application/octet-stream, not " + type);
            return;
        }
        long max = config.imports().maxSize().asLongValue();
        String length = req.getHeader("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.strip()) > max) {
                    refuse(ctx, 413, "too-large", "the file is " + length + " bytes; at most " + max + " are accepted"
                            + " (storage.import.max-size)");
                    return;
                }
            } catch (NumberFormatException e) {
                refuse(ctx, 400, "bad-request", "Content-Length '" + length + "' is not a number");
                return;
            }
        }
        ImportRequest request;
        try {
            Map<String, String> params = new LinkedHashMap<>();
            req.params().forEach(e -> params.putIfAbsent(e.getKey(), e.getValue()));
            request = ImportRequest.parse(params);
        } catch (ImportRequest.Invalid e) {
            refuse(ctx, 400, "bad-request", e.getMessage());
            return;
        }
        Path dir = config.workDir().resolve("imports").toAbsolutePath();
        Path file = dir.resolve(UUID.randomUUID() + ".phone");
        vertx.fileSystem().mkdirs(dir.toString())
                .compose(v -> vertx.fileSystem().open(file.toString(), new OpenOptions().setCreateNew(true).setWrite(true)))
                .onFailure(e -> {
                    LOG.warnf("Import: cannot create %s: %s", file, e.toString());
                    fail(ctx, 503, "storage-unavailable", "cannot write the work directory");
                })
                .onSuccess(out -> receive(ctx, req, out, file, dir, max, request));
    }

    /** Streams the body into {@code out}, then imports it on a worker thread. */
    private void receive(RoutingContext ctx, HttpServerRequest req, AsyncFile out, Path file, Path dir, long max,
                         ImportRequest request) {
        long[] received = {0};
        boolean[] done = {false};
        req.handler((Buffer b) -> {
            if (done[0]) {
                return;
            }
            received[0] += b.length();
            if (received[0] > max) {
                done[0] = true;
                discard(out, file);
                refuse(ctx, 413, "too-large", "the file is larger than " + max + " bytes (storage.import.max-size)");
                return;
            }
            out.write(b);
            if (out.writeQueueFull()) {
                req.pause();
                out.drainHandler(v -> req.resume());
            }
        });
        req.exceptionHandler(e -> {
            if (!done[0]) {
                done[0] = true;
                discard(out, file);
                LOG.debugf("Import: the upload broke off: %s", e.toString());
            }
        });
        req.endHandler(v -> {
            if (done[0]) {
                return;
            }
            done[0] = true;
            out.close().onComplete(closed -> {
                if (closed.failed()) {
                    discard(null, file);
                    fail(ctx, 503, "storage-unavailable", "cannot write the work directory");
                    return;
                }
                vertx.executeBlocking(() -> importer.importFile(file, request, dir), false)
                        .onComplete(ar -> {
                            vertx.fileSystem().delete(file.toString());
                            answer(ctx, request, ar.succeeded() ? ar.result() : null, ar.cause());
                        });
            });
        });
        if ("100-continue".equalsIgnoreCase(req.getHeader("Expect"))) {
            ctx.response().writeContinue(); // curl asks before sending a body over 1 MiB; refusals above never say it
        }
        req.resume();
    }

    private void answer(RoutingContext ctx, ImportRequest request, PhoneFileImporter.Result result, Throwable error) {
        if (result != null) {
            count("stored");
            LOG.debugf("Recording %s imported from a phone file: %s", result.recordingId(), result.audioKey());
            respond(ctx, 201, result);
        } else if (error instanceof PhoneFileException) {
            count("invalid");
            fail(ctx, 400, "invalid-file", error.getMessage());
        } else if (error instanceof PhoneFileImporter.Conflict) {
            count("conflict");
            LOG.warnf("Import of %s (tenant %s) refused: %s", request.fileName(), request.tenant(), error.getMessage());
            fail(ctx, 409, "object-conflict", error.getMessage());
        } else if (error instanceof PhoneFileImporter.StoreFailed) {
            count("failed");
            LOG.warnf("Import of %s (tenant %s) failed: %s", request.fileName(), request.tenant(), error.getMessage());
            fail(ctx, 503, "storage-unavailable", error.getMessage() + "; send the request again");
        } else {
            count("failed");
            LOG.warnf("Import of %s (tenant %s) failed: %s", request.fileName(), request.tenant(), String.valueOf(error));
            fail(ctx, 503, "storage-unavailable", "the import failed: " + error);
        }
    }

    private void count(String result) {
        registry.counter("callrec.storage.imports", "result", result).increment();
    }

    private void discard(AsyncFile out, Path file) {
        if (out != null) {
            out.close().onComplete(v -> vertx.fileSystem().delete(file.toString()));
        } else {
            vertx.fileSystem().delete(file.toString());
        }
    }

    /**
     * Refuses a request whose body is not (or no longer) wanted: answers at once, then reads and
     * discards what the client still sends — a client that is still writing would otherwise see
     * a reset instead of the answer — and closes the connection when the body ends, or after
     * {@link #DRAIN_LIMIT} at the latest.
     */
    private void refuse(RoutingContext ctx, int status, String error, String message) {
        count("refused");
        HttpServerRequest req = ctx.request();
        boolean http1 = req.version() != HttpVersion.HTTP_2;
        if (http1) {
            ctx.response().putHeader("Connection", "close");
        }
        fail(ctx, status, error, message);
        if (req.isEnded()) {
            return;
        }
        // HTTP/2: only this stream is drained; the connection (other streams) stays unless the drain times out
        long timer = vertx.setTimer(DRAIN_LIMIT.toMillis(), t -> req.connection().close());
        req.handler(b -> {
        });
        req.endHandler(v -> {
            vertx.cancelTimer(timer);
            if (http1) {
                req.connection().close();
            }
        });
        req.exceptionHandler(e -> vertx.cancelTimer(timer));
        req.resume();
    }

    private void fail(RoutingContext ctx, int status, String error, String message) {
        respond(ctx, status, new ErrorBody(error, message));
    }

    private void respond(RoutingContext ctx, int status, Object body) {
        if (ctx.response().ended()) {
            return;
        }
        String text;
        try {
            text = json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            text = "{\"error\":\"internal\"}";
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(text);
    }

    /** Error body. */
    record ErrorBody(String error, String message) {
    }
}
