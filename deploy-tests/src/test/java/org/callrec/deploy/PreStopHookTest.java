package org.callrec.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.callrec.core.allocation.InternalApi;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

/**
 * The ingest pods' preStop hook, rendered by helm and run with bash against a fake ingest node
 * (the JDK's HTTP server on a random port standing in for 127.0.0.1:8082).
 */
@DisplayName("ingest preStop hook: drain, then a bounded wait for the open recordings")
class PreStopHookTest {

    private static final String NODE = "/dev/tcp/127.0.0.1/8082";
    /** Where the chart mounts the service credential in the ingest pods. */
    private static final String TOKEN_FILE = "/etc/callrec/internal-token/token";
    private static final String TOKEN = "0123456789abcdef0123456789abcdef";
    private static final String ONE_RECORDING =
            "[{\"recordingId\":\"r1\",\"phoneAddress\":\"192.0.2.10\",\"port\":40000,\"packetsAccepted\":7}]";

    private static Helm helm;

    /** Requests the fake node received, "METHOD path" in order. */
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private HttpServer node;

    @BeforeAll
    static void helm() {
        helm = Helm.require();
    }

    @AfterEach
    void stopNode() {
        if (node != null) {
            node.stop(0);
        }
    }

    @Test
    @DisplayName("POSTs the drain first, then polls until the node holds no recording")
    void drainsThenWaitsForTheCallsToEnd() throws Exception {
        // The node still holds a call for the first two looks, then none
        AtomicInteger looks = new AtomicInteger();
        startNode(() -> looks.incrementAndGet() <= 2 ? ONE_RECORDING : "[]");
        String script = script("ingest.drain.pollSeconds=1");

        Run run = run(script);

        assertThat(run.exitCode()).isZero();
        assertThat(requests).containsExactly("POST " + InternalApi.NODE_DRAIN, "GET " + InternalApi.ALLOCATIONS,
                "GET " + InternalApi.ALLOCATIONS, "GET " + InternalApi.ALLOCATIONS);
        assertThat(run.took()).isBetween(Duration.ofMillis(1500), Duration.ofSeconds(10));
    }

    @Test
    @DisplayName("stops waiting when the grace period leaves only the SIGTERM phase (drain + flush + margin), even if calls go on")
    void waitIsBounded() throws Exception {
        // A call that never ends; grace 14 s - (drain 5 + flush 4 + margin 2) = 3 s of preStop wait
        startNode(() -> ONE_RECORDING);
        String script = script("ingest.drain.pollSeconds=1", "ingest.terminationGracePeriodSeconds=14",
                "ingest.shutdown.drainSeconds=5", "ingest.shutdown.flushTimeoutSeconds=4",
                "ingest.shutdown.marginSeconds=2");
        assertThat(script).contains("deadline=$((SECONDS + 3))");

        Run run = run(script);

        assertThat(run.exitCode()).isZero();
        assertThat(requests.get(0)).isEqualTo("POST " + InternalApi.NODE_DRAIN);
        assertThat(requests.subList(1, requests.size())).hasSizeGreaterThanOrEqualTo(2)
                .allMatch(r -> r.equals("GET " + InternalApi.ALLOCATIONS));
        // about 3 s, far below the 14 s grace period: bash's SECONDS counts whole seconds from the
        // shell's start, so "SECONDS + 3" passes after 2 to 3 s of wall time (slack above for a loaded machine)
        assertThat(run.took()).isBetween(Duration.ofMillis(1900), Duration.ofSeconds(8));
    }

    @Test
    @DisplayName("sends the first token of the mounted file; with another token the node refuses and the hook ends")
    void sendsTheToken() throws Exception {
        startNode(() -> "[]");
        String script = script();

        Run wrongToken = run(script, "fedcba9876543210fedcba9876543210\n");
        assertThat(wrongToken.exitCode()).isZero();
        assertThat(requests).first().isEqualTo("401 POST " + InternalApi.NODE_DRAIN);

        requests.clear();
        Run right = run(script);
        assertThat(right.exitCode()).isZero();
        assertThat(requests).containsExactly("POST " + InternalApi.NODE_DRAIN, "GET " + InternalApi.ALLOCATIONS);
    }

    @Test
    @DisplayName("a pod whose node does not answer ends its hook at once")
    void nodeGoneEndsAtOnce() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        String script = script().replace(NODE, "/dev/tcp/127.0.0.1/" + closedPort);

        Run run = exec(script);

        assertThat(run.exitCode()).isZero();
        assertThat(run.took()).isLessThan(Duration.ofSeconds(3));
    }

    private interface Answer {
        String body();
    }

    private void startNode(Answer allocations) throws IOException {
        node = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        node.createContext("/", exchange -> {
            String request = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
            if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                // as a real node does: no token, no drain
                requests.add("401 " + request);
                exchange.sendResponseHeaders(401, -1);
                exchange.close();
                return;
            }
            requests.add(request);
            String body = switch (request) {
                case "POST " + InternalApi.NODE_DRAIN -> "{\"node\":\"callrec-ingest-0\",\"openRecordings\":1}";
                case "GET " + InternalApi.ALLOCATIONS -> allocations.body();
                default -> null;
            };
            byte[] bytes = (body == null ? "" : body).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
            exchange.close();
        });
        node.start();
    }

    /** The hook's bash script from the default install's StatefulSet, with extra --set values. */
    private static String script(String... sets) {
        String[] args = new String[2 + 2 * sets.length];
        args[0] = "--values";
        args[1] = Repo.path(Helm.CHART + "/ci/k8s-values.yaml").toString();
        for (int i = 0; i < sets.length; i++) {
            args[2 + 2 * i] = "--set";
            args[3 + 2 * i] = sets[i];
        }
        List<String> command = Rendered.container(Rendered.of(helm.render(args)).ingest().getSpec().getTemplate())
                .getLifecycle().getPreStop().getExec().getCommand();
        assertThat(command).hasSize(3).startsWith("bash", "-c");
        assertThat(command.get(2)).contains(NODE).contains(TOKEN_FILE);
        return command.get(2);
    }

    private record Run(int exitCode, Duration took) {
    }

    private Run run(String script) throws Exception {
        return run(script, "# the chart's Secret, or internalToken.existingSecret\n\n  " + TOKEN + "  \nold-token-during-rotation-0000\n");
    }

    /** Runs the hook against the fake node, with {@code tokenFile} as the mounted token file's content. */
    private Run run(String script, String tokenFile) throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("internal-token", "");
        java.nio.file.Files.writeString(file, tokenFile);
        try {
            return exec(script.replace(NODE, "/dev/tcp/127.0.0.1/" + node.getAddress().getPort())
                    .replace(TOKEN_FILE, file.toString()));
        } finally {
            java.nio.file.Files.delete(file);
        }
    }

    private static Run exec(String script) throws Exception {
        long start = System.nanoTime();
        Process bash = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!bash.waitFor(30, TimeUnit.SECONDS)) {
            bash.destroyForcibly();
            throw new AssertionError("the preStop hook did not end within 30 s");
        }
        return new Run(bash.exitValue(), Duration.ofNanos(System.nanoTime() - start));
    }
}
