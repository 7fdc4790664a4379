package org.callrec.storage.importer;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.callrec.core.phonefile.PhoneFileException;
import org.callrec.storage.config.StorageConfig;
import org.callrec.core.text.LogText;
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
 * ({@link ImportRequest}), the credential as {@code Authorization: Bearer <token>}
 * ({@link ImportCredentials}; the tenant is the credential's). Checked in this order: the import
 * is enabled, the credential, the parameters, a free slot ({@code storage.import.max-concurrent}).
 * The body is streamed to {@code storage.import.work-dir} on the event loop (with back-pressure,
 * never held in memory); the conversion and the uploads run on a worker thread; the work files
 * are deleted when the request ends, however it ends. Answers:
 * <ul>
 *   <li>201 {@link PhoneFileImporter.Result} — stored and announced;</li>
 *   <li>400 {@code bad-request} (a parameter, a {@code tenant} that is not the credential's),
 *       {@code invalid-file} (not a phone recording: garbage, truncated, trailing bytes…),
 *       {@code unsupported-codec};</li>
 *   <li>401 {@code unauthorized} with {@code WWW-Authenticate: Bearer} — no or a wrong credential;</li>
 *   <li>404 {@code import-disabled} — no credentials file configured;</li>
 *   <li>413 {@code too-large} — more than {@code storage.import.max-size};</li>
 *   <li>415 {@code unsupported-media-type} — a body that is not {@code application/octet-stream};</li>
 *   <li>503 {@code storage-unavailable} — S3 or Kafka failed; send the same request again;
 *       {@code too-many-imports} (with {@code Retry-After}) — every slot is taken;
 *       {@code import-disabled} — the credentials file holds no usable credential (or cannot be read).</li>
 * </ul>
 * Errors are JSON {@code {"error": token, "message": text}}.
 */
@ApplicationScoped
public class ImportRoute {

    /** Path of the endpoint. */
    public static final String PATH = "/api/v1/imports";

    /** Longest time the body of a refused request is read and discarded before the connection is closed. */
    static final java.time.Duration DRAIN_LIMIT = java.time.Duration.ofSeconds(30);

    /** Extension of a received file in the import work directory (its WAV: {@code import-*.pcm}). */
    static final String WORK_FILE = ".phone";

    /** Seconds a client is asked to wait ({@code Retry-After}) when every import slot is taken. */
    static final int RETRY_AFTER_SECONDS = 5;

    /** The {@code result} tags of {@code callrec_storage_imports_total}. */
    static final List<String> RESULTS = List.of("stored", "invalid", "refused", "failed", "unauthorized", "disabled",
            "busy");

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

    @Inject
    ImportCredentials credentials;

    /** Imports holding a slot: from the work file's creation to its deletion. */
    private final AtomicInteger running = new AtomicInteger();

    void routes(@Observes Router router) {
        Path dir = config.importWorkDir();
        if (dir.equals(config.workDir().toAbsolutePath().normalize())) {
            throw new IllegalStateException("storage.import.work-dir (STORAGE_IMPORT_WORK_DIR) must not be storage.work-dir"
                    + " itself (" + dir + "): the imports' work files are kept apart from the recordings' spill files");
        }
        deleteLeftovers(dir);
        RESULTS.forEach(r -> registry.counter("callrec.storage.imports", "result", r));
        registry.gauge("callrec.storage.imports.running", running);
        credentials.start();
        router.post(PATH).handler(this::handle);
    }

    /** How many imports hold a slot now. */
    int running() {
        return running.get();
    }

    /**
     * Files of imports a previous run did not finish (their clients got no 201, so they send
     * again); only this service's own names, so a shared folder loses nothing else.
     */
    private static void deleteLeftovers(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "{*" + WORK_FILE + ",import-*.pcm}")) {
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
        if (!credentials.configured()) {
            refuse(ctx, 404, ImportError.IMPORT_DISABLED, "disabled", "the import is disabled on this storage service:"
                    + " no storage.import.credentials-file (STORAGE_IMPORT_CREDENTIALS_FILE) is configured");
            return;
        }
        if (!credentials.any()) {
            refuse(ctx, 503, ImportError.IMPORT_DISABLED, "disabled", "the import is disabled: the credentials file"
                    + " (storage.import.credentials-file) holds no usable credential or cannot be read");
            return;
        }
        ImportCredentials.Outcome auth = credentials.authenticate(req.getHeader("Authorization"));
        if (auth.tenant().isEmpty()) {
            boolean presented = auth.failure().orElse(null) == ImportCredentials.Failure.UNKNOWN_TOKEN;
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"callrec-import\""
                    + (presented ? ", error=\"invalid_token\"" : ""));
            refuse(ctx, 401, ImportError.UNAUTHORIZED, "unauthorized", presented ? "the bearer token is not valid"
                    : "send the import credential as Authorization: Bearer <token>");
            return;
        }
        String tenant = auth.tenant().get();
        String type = req.getHeader("Content-Type");
        if (type != null && !type.toLowerCase(Locale.ROOT).strip().startsWith("application/octet-stream")) {
            refuse(ctx, 415, ImportError.UNSUPPORTED_MEDIA_TYPE, "refused", "send the phone file as the raw body with Content-Type:"
                    + " application/octet-stream, not " + type);
            return;
        }
        long max = config.imports().maxSize().asLongValue();
        String length = req.getHeader("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.strip()) > max) {
                    refuse(ctx, 413, ImportError.TOO_LARGE, "refused", "the file is " + length + " bytes; at most " + max + " are accepted"
                            + " (storage.import.max-size)");
                    return;
                }
            } catch (NumberFormatException e) {
                refuse(ctx, 400, ImportError.BAD_REQUEST, "refused", "Content-Length '" + length + "' is not a number");
                return;
            }
        }
        ImportRequest request;
        try {
            Map<String, String> params = new LinkedHashMap<>();
            req.params().forEach(e -> params.putIfAbsent(e.getKey(), e.getValue()));
            request = ImportRequest.parse(params, tenant);
        } catch (ImportRequest.Invalid e) {
            refuse(ctx, 400, ImportError.BAD_REQUEST, "refused", e.getMessage());
            return;
        }
        if (running.incrementAndGet() > config.imports().maxConcurrent()) {
            running.decrementAndGet();
            ctx.response().putHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
            refuse(ctx, 503, ImportError.TOO_MANY_IMPORTS, "busy", "already " + config.imports().maxConcurrent()
                    + " imports in progress (storage.import.max-concurrent); send it again in a few seconds");
            return;
        }
        Runnable release = once(running::decrementAndGet);
        Path dir = config.importWorkDir();
        Path file = dir.resolve(UUID.randomUUID() + WORK_FILE);
        vertx.fileSystem().mkdirs(dir.toString())
                .compose(v -> vertx.fileSystem().open(file.toString(), new OpenOptions().setCreateNew(true).setWrite(true)))
                .onFailure(e -> {
                    LOG.warnf("Import: cannot create %s: %s", file, e.toString());
                    release.run();
                    fail(ctx, 503, ImportError.STORAGE_UNAVAILABLE, "cannot write the work directory");
                })
                .onSuccess(out -> receive(ctx, req, out, file, dir, max, request, release));
    }

    /**
     * Streams the body into {@code out}, then imports it on a worker thread. The work file is
     * deleted, then the slot released ({@code release}), on every way out: stored, refused, too
     * large, broken off, idle for {@code storage.import.idle-timeout}.
     */
    private void receive(RoutingContext ctx, HttpServerRequest req, AsyncFile out, Path file, Path dir, long max,
                         ImportRequest request, Runnable release) {
        long[] received = {0};
        boolean[] done = {false};
        long idleNanos = config.imports().idleTimeout().toNanos();
        long[] lastData = {System.nanoTime()};
        long idleTimer = vertx.setPeriodic(Math.max(50, config.imports().idleTimeout().toMillis() / 4), t -> {
            if (done[0]) {
                vertx.cancelTimer(t);
            } else if (System.nanoTime() - lastData[0] > idleNanos) {
                // a client that sends nothing reads nothing either: no answer, the connection is closed
                done[0] = true;
                vertx.cancelTimer(t);
                LOG.debugf("Import: no data for %s (storage.import.idle-timeout), cut off", config.imports().idleTimeout());
                count("refused");
                discard(out, file, release);
                req.connection().close();
            }
        });
        Runnable stopTimer = () -> vertx.cancelTimer(idleTimer);
        req.handler((Buffer b) -> {
            if (done[0]) {
                return;
            }
            lastData[0] = System.nanoTime();
            received[0] += b.length();
            if (received[0] > max) {
                done[0] = true;
                stopTimer.run();
                discard(out, file, release);
                refuse(ctx, 413, ImportError.TOO_LARGE, "refused", "the file is larger than " + max + " bytes (storage.import.max-size)");
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
                stopTimer.run();
                discard(out, file, release);
                LOG.debugf("Import: the upload broke off: %s", e.toString());
            }
        });
        req.endHandler(v -> {
            if (done[0]) {
                return;
            }
            done[0] = true;
            stopTimer.run();
            out.close().onComplete(closed -> {
                if (closed.failed()) {
                    discard(null, file, release);
                    fail(ctx, 503, ImportError.STORAGE_UNAVAILABLE, "cannot write the work directory");
                    return;
                }
                vertx.executeBlocking(() -> importer.importFile(file, request, dir), false)
                        .onComplete(ar -> discard(null, file, () -> {
                            release.run();
                            answer(ctx, request, ar.succeeded() ? ar.result() : null, ar.cause());
                        }));
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
            fail(ctx, 400, ImportError.INVALID_FILE, error.getMessage());
        } else if (error instanceof PhoneFileImporter.Conflict) {
            count("conflict");
            LOG.warnf("Import of %s (tenant %s) refused: %s", LogText.escape(request.fileName()), request.tenant(),
                    LogText.escape(error.getMessage()));
            fail(ctx, 409, ImportError.OBJECT_CONFLICT, error.getMessage());
        } else if (error instanceof PhoneFileImporter.Refused) {
            count("failed");
            LOG.warnf("Import of %s (tenant %s) refused: %s", LogText.escape(request.fileName()), request.tenant(),
                    LogText.escape(error.getMessage()));
            fail(ctx, 503, ImportError.PLACEMENT_UNUSABLE, error.getMessage());
        } else if (error instanceof PhoneFileImporter.StoreFailed) {
            count("failed");
            LOG.warnf("Import of %s (tenant %s) failed: %s", LogText.escape(request.fileName()), request.tenant(),
                    LogText.escape(error.getMessage()));
            fail(ctx, 503, ImportError.STORAGE_UNAVAILABLE, error.getMessage() + "; send the request again");
        } else {
            count("failed");
            LOG.warnf("Import of %s (tenant %s) failed: %s", LogText.escape(request.fileName()), request.tenant(),
                    LogText.escape(String.valueOf(error)));
            fail(ctx, 503, ImportError.STORAGE_UNAVAILABLE, "the import failed: " + error);
        }
    }

    private void count(String result) {
        registry.counter("callrec.storage.imports", "result", result).increment();
    }

    /** Closes {@code out} (when open), deletes the work file, then runs {@code then} (releases the slot). */
    private void discard(AsyncFile out, Path file, Runnable then) {
        (out != null ? out.close() : io.vertx.core.Future.<Void>succeededFuture())
                .eventually(() -> vertx.fileSystem().delete(file.toString()))
                .onComplete(deleted -> {
                    if (deleted.failed()) {
                        LOG.warnf("Import: cannot delete the work file %s: %s", file, deleted.cause().toString());
                    }
                    then.run();
                });
    }

    private static Runnable once(Runnable action) {
        AtomicBoolean ran = new AtomicBoolean();
        return () -> {
            if (ran.compareAndSet(false, true)) {
                action.run();
            }
        };
    }

    /**
     * Refuses a request whose body is not (or no longer) wanted: answers at once, then reads and
     * discards what the client still sends — a client that is still writing would otherwise see
     * a reset instead of the answer — and closes the connection when the body ends, or after
     * {@link #DRAIN_LIMIT} at the latest.
     */
    private void refuse(RoutingContext ctx, int status, ImportError error, String result, String message) {
        count(result);
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

    private void fail(RoutingContext ctx, int status, ImportError error, String message) {
        respond(ctx, status, new ErrorBody(error.token(), message));
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
