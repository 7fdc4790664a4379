package org.callrec.control;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.callrec.core.allocation.AllocateRequest;
import org.callrec.core.allocation.Allocation;
import org.callrec.core.allocation.ApiError;
import org.callrec.core.allocation.InternalApi;
import org.callrec.core.allocation.LeaseAnswer;
import org.callrec.core.allocation.LeaseRenewal;
import org.callrec.core.allocation.NodeStatus;
import org.callrec.core.allocation.ReleaseRequest;
import org.callrec.core.allocation.ReleaseResult;
import org.callrec.core.protocol.RefusalReason;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for one media-ingest node: serves the internal API
 * ({@code POST /internal/v1/allocations}, {@code POST /internal/v1/allocations/{id}/release},
 * {@code GET /internal/v1/node}, {@code POST /internal/v1/leases}) on
 * a random port, remembers every request it got, and can be told to misbehave.
 *
 * <p>Like a real node it answers 401 {@code unauthorized} to a call without
 * {@code Authorization: Bearer} and the token of {@link #TOKEN_FILE} (the file
 * {@code %test.control.ingest.token-file} names), and counts such calls: every test that makes
 * a call proves control-service sends the credential.
 */
public final class FakeIngestNode implements AutoCloseable {

    /** How the node answers a call. */
    public enum Behaviour {
        /** 200 with an endpoint (allocate) or counts (release). */
        ANSWER,
        /** 503 {@code no-capacity}, as a full node does. */
        FULL,
        /** Never answers (until {@link #reset()} or {@link #close()}). */
        HANG,
        /** 400 with the error token set by {@link #rejectWith(String)}. */
        REJECT,
        /** 500, as a node with a bug or a broken proxy in front of it. */
        ERROR,
        /**
         * Answers normally once the test calls {@link #answerHeld()} (or {@link #reset()},
         * {@link #close()}): the test decides what happens before the answer.
         */
        HOLD
    }

    /** An allocation this node made: what it was asked and what it answered. */
    public record Allocated(AllocateRequest request, Allocation answer) {
    }

    /** A release this node was asked for. */
    public record Released(String recordingId, ReleaseRequest request) {
    }

    private static final String BASE_PATH = InternalApi.ALLOCATIONS;
    private static final String NODE_PATH = InternalApi.NODE;
    private static final String LEASES_PATH = InternalApi.LEASES;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The service credential of the tests, relative to the module (Surefire's working directory). */
    public static final java.nio.file.Path TOKEN_FILE = java.nio.file.Path.of("src/test/resources/internal-api-token");

    private final String name;
    private final String address;
    private final int firstPort;
    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicInteger nextPort;
    private final List<AllocateRequest> allocateCalls = new CopyOnWriteArrayList<>();
    private final List<Allocated> allocations = new CopyOnWriteArrayList<>();
    private final List<Released> releaseCalls = new CopyOnWriteArrayList<>();
    private final List<LeaseRenewal> leaseCalls = new CopyOnWriteArrayList<>();
    /** Recording ids this node answers as unknown in lease renewals. */
    private final java.util.Set<String> forgotten = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile Behaviour onLease = Behaviour.ANSWER;
    private volatile Behaviour onAllocate = Behaviour.ANSWER;
    private volatile Behaviour onRelease = Behaviour.ANSWER;
    private volatile Behaviour onProbe = Behaviour.ANSWER;
    private volatile String rejectToken = RefusalReason.BAD_REQUEST.token();
    private volatile String expectedAuthorization = "Bearer " + token();
    private final AtomicInteger unauthorizedCalls = new AtomicInteger();
    private volatile CountDownLatch hanging = new CountDownLatch(1);
    private volatile CountDownLatch holding = new CountDownLatch(1);

    private FakeIngestNode(String name, String address, int firstPort, javax.net.ssl.SSLContext tls) throws IOException {
        this.name = name;
        this.address = address;
        this.firstPort = firstPort;
        this.nextPort = new AtomicInteger(firstPort);
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-ingest-" + name);
            t.setDaemon(true);
            return t;
        });
        if (tls == null) {
            this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } else {
            com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(
                    new InetSocketAddress("127.0.0.1", 0), 0);
            https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
            this.server = https;
        }
        server.createContext(BASE_PATH, this::handle).getFilters().add(authorization());
        server.createContext(NODE_PATH, this::status).getFilters().add(authorization());
        server.createContext(LEASES_PATH, this::handleLeases).getFilters().add(authorization());
        server.setExecutor(executor);
        server.start();
    }

    /**
     * Starts a node that advertises {@code address} and hands out UDP ports counting up from
     * {@code firstPort}.
     */
    public static FakeIngestNode start(String name, String address, int firstPort) {
        try {
            return new FakeIngestNode(name, address, firstPort, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** As {@link #start}, serving HTTPS only, with the server certificate of {@code tls}. */
    public static FakeIngestNode startTls(String name, String address, int firstPort, javax.net.ssl.SSLContext tls) {
        try {
            return new FakeIngestNode(name, address, firstPort, tls);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Base URL, as in {@code control.ingest.nodes}. */
    public String url() {
        return (server instanceof com.sun.net.httpserver.HttpsServer ? "https" : "http") + "://127.0.0.1:"
                + server.getAddress().getPort();
    }

    public String name() {
        return name;
    }

    /** The address this node advertises to phones. */
    public String address() {
        return address;
    }

    /** The token of {@link #TOKEN_FILE}. */
    public static String token() {
        try {
            return java.nio.file.Files.readString(TOKEN_FILE).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** From now on the node accepts only {@code token} (until {@link #reset()}): a node with another credential. */
    public FakeIngestNode acceptOnly(String token) {
        this.expectedAuthorization = "Bearer " + token;
        return this;
    }

    /** Calls answered 401 because they carried no or another token. */
    public int unauthorizedCalls() {
        return unauthorizedCalls.get();
    }

    /** Sets how allocations are answered. */
    public FakeIngestNode onAllocate(Behaviour behaviour) {
        this.onAllocate = behaviour;
        return this;
    }

    /** Lets the calls held by {@link Behaviour#HOLD} be answered (later ones are held again). */
    public void answerHeld() {
        CountDownLatch previous = holding;
        holding = new CountDownLatch(1);
        previous.countDown();
    }

    /** Sets how releases are answered. */
    public FakeIngestNode onRelease(Behaviour behaviour) {
        this.onRelease = behaviour;
        return this;
    }

    /** Sets how {@code GET /internal/v1/node} (control-service's periodic probe) is answered. */
    public FakeIngestNode onProbe(Behaviour behaviour) {
        this.onProbe = behaviour;
        return this;
    }

    /** Sets how lease renewals are answered. */
    public FakeIngestNode onLease(Behaviour behaviour) {
        this.onLease = behaviour;
        return this;
    }

    /** From now on, lease renewals answer this recording as unknown (the node lost it). */
    public void forget(String recordingId) {
        forgotten.add(recordingId);
    }

    /** Every lease renewal received, whatever it was answered. */
    public List<LeaseRenewal> leaseCalls() {
        return List.copyOf(leaseCalls);
    }

    /** The error token of {@link Behaviour#REJECT} answers. */
    public FakeIngestNode rejectWith(String token) {
        this.rejectToken = token;
        return this;
    }

    /** Every allocate call received, whatever it was answered. */
    public List<AllocateRequest> allocateCalls() {
        return List.copyOf(allocateCalls);
    }

    /** Allocate calls for the phone's session {@code id}. */
    public List<AllocateRequest> allocateCalls(String phoneSessionId) {
        return allocateCalls.stream().filter(r -> phoneSessionId.equals(r.phoneSessionId())).toList();
    }

    /** The allocation answered 200 for the phone's session {@code id}, if any. */
    public Optional<Allocated> allocationFor(String phoneSessionId) {
        return allocations.stream().filter(a -> phoneSessionId.equals(a.request().phoneSessionId())).findFirst();
    }

    /** Release calls received for {@code recordingId}, whatever they were answered. */
    public List<ReleaseRequest> releaseCalls(String recordingId) {
        return releaseCalls.stream().filter(r -> r.recordingId().equals(recordingId)).map(Released::request).toList();
    }

    /** Answers normally again, forgets the requests, and lets hanging calls go (with a 503). */
    public void reset() {
        onAllocate = Behaviour.ANSWER;
        onRelease = Behaviour.ANSWER;
        onProbe = Behaviour.ANSWER;
        onLease = Behaviour.ANSWER;
        forgotten.clear();
        leaseCalls.clear();
        rejectToken = RefusalReason.BAD_REQUEST.token();
        expectedAuthorization = "Bearer " + token();
        unauthorizedCalls.set(0);
        CountDownLatch previous = hanging;
        hanging = new CountDownLatch(1);
        previous.countDown();
        answerHeld();
        allocateCalls.clear();
        allocations.clear();
        releaseCalls.clear();
        nextPort.set(firstPort);
    }

    @Override
    public void close() {
        hanging.countDown();
        holding.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    /** Answers 401 unless the call carries the expected token, as a node's credential check does. */
    private com.sun.net.httpserver.Filter authorization() {
        return new com.sun.net.httpserver.Filter() {
            @Override
            public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
                if (expectedAuthorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                    chain.doFilter(exchange);
                    return;
                }
                unauthorizedCalls.incrementAndGet();
                try (exchange) {
                    exchange.getRequestBody().readAllBytes();
                    exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
                    send(exchange, 401, new ApiError(RefusalReason.UNAUTHORIZED.token(), "fake node " + name
                            + ": no or another token"));
                }
            }

            @Override
            public String description() {
                return "service credential";
            }
        };
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (!"POST".equals(exchange.getRequestMethod())) {
                send(exchange, 405, new ApiError("method-not-allowed", exchange.getRequestMethod()));
            } else if (path.equals(BASE_PATH)) {
                allocate(exchange, JSON.readValue(body, AllocateRequest.class));
            } else if (path.startsWith(BASE_PATH + "/") && path.endsWith("/release")) {
                String id = path.substring(BASE_PATH.length() + 1, path.length() - "/release".length());
                release(exchange, id, JSON.readValue(body, ReleaseRequest.class));
            } else {
                send(exchange, 404, new ApiError("not-found", path));
            }
        }
    }

    private void status(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!misbehave(exchange, onProbe)) {
                send(exchange, 200, new NodeStatus(name, address, 100, 100, allocations.size(), false));
            }
        }
    }

    private void handleLeases(HttpExchange exchange) throws IOException {
        try (exchange) {
            LeaseRenewal renewal = JSON.readValue(exchange.getRequestBody().readAllBytes(), LeaseRenewal.class);
            leaseCalls.add(renewal);
            if (misbehave(exchange, onLease)) {
                return;
            }
            send(exchange, 200, new LeaseAnswer(renewal.recordingIds().stream().filter(forgotten::contains).toList()));
        }
    }

    private void allocate(HttpExchange exchange, AllocateRequest request) throws IOException {
        allocateCalls.add(request);
        if (misbehave(exchange, onAllocate)) {
            return;
        }
        Allocation answer = new Allocation(request.recordingId(), name, address, nextPort.getAndIncrement());
        allocations.add(new Allocated(request, answer));
        send(exchange, 200, answer);
    }

    private void release(HttpExchange exchange, String recordingId, ReleaseRequest request) throws IOException {
        releaseCalls.add(new Released(recordingId, request));
        if (misbehave(exchange, onRelease)) {
            return;
        }
        send(exchange, 200, new ReleaseResult(recordingId, 0, Map.of(), 0));
    }

    /** Answers as {@code behaviour} says unless it is {@link Behaviour#ANSWER}; true if it did. */
    private boolean misbehave(HttpExchange exchange, Behaviour behaviour) throws IOException {
        switch (behaviour) {
            case ANSWER -> {
                return false;
            }
            case HOLD -> {
                try {
                    holding.await(1, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return false;
            }
            case ERROR -> send(exchange, 500, new ApiError(RefusalReason.INTERNAL_ERROR.token(), "fake node " + name + " failed"));
            case FULL -> send(exchange, 503, new ApiError(RefusalReason.NO_CAPACITY.token(), "fake node " + name + " is full"));
            case REJECT -> send(exchange, 400, new ApiError(rejectToken, "fake node " + name + " rejects it"));
            case HANG -> {
                try {
                    hanging.await(1, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                send(exchange, 503, new ApiError(RefusalReason.NO_CAPACITY.token(), "fake node " + name + " woke up"));
            }
        }
        return true;
    }

    private static void send(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        try {
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        } catch (IOException e) {
            // the caller gave up (timeout) and closed the connection: nothing to answer
        }
    }
}
