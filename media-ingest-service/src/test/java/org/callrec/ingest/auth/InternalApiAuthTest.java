package org.callrec.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.callrec.core.id.RecordingIds;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.callrec.core.allocation.InternalApi;
import org.callrec.ingest.IngestTestResources;
import org.callrec.ingest.InternalApiToken;
import org.callrec.ingest.allocation.Allocations;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The service credential, through real sockets and a client of its own (not RestAssured, which
 * the module's tests set up with the token): every internal path refuses a call without the
 * token or with a wrong one, counts it, and does nothing; with the token the same calls are
 * served; the management port serves none of them.
 */
@QuarkusTest
@WithTestResource(IngestTestResources.class)
class InternalApiAuthTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WRONG = "Bearer 00000000000000000000000000000000wrong";
    private static final String ALLOCATE_BODY = """
            {"recordingId":"%s","tenant":"acme","codec":"PCMA","direction":"in","phoneAddress":"127.0.0.1"}""";

    @TestHTTPResource("/")
    URL api;
    @TestHTTPResource(value = "/metrics", management = true)
    URI metrics;
    @Inject
    Allocations allocations;

    /** Every path of {@link InternalApi}, with the method that acts on it. */
    static Stream<Arguments> internalPaths() {
        String id = RecordingIds.next();
        return Stream.of(
                Arguments.of("POST", InternalApi.ALLOCATIONS, ALLOCATE_BODY.formatted(id)),
                Arguments.of("GET", InternalApi.ALLOCATIONS, null),
                Arguments.of("POST", InternalApi.release(id), "{\"reason\":\"hangup\"}"),
                Arguments.of("POST", InternalApi.LEASES, "{\"recordingIds\":[\"" + id + "\"]}"),
                Arguments.of("GET", InternalApi.NODE, null),
                Arguments.of("POST", InternalApi.NODE_DRAIN, null));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("internalPaths")
    @DisplayName("no token, another scheme or a wrong token: 401 unauthorized, counted, and nothing done")
    void refused(String method, String path, String body) throws Exception {
        double missingBefore = refusals("missing");
        double invalidBefore = refusals("invalid");

        // No Authorization header at all, then Basic with the right secret, then a wrong bearer token
        HttpResponse<String> none = call(method, path, body, null);
        HttpResponse<String> basic = call(method, path, body, "Basic " + InternalApiToken.token());
        HttpResponse<String> wrong = call(method, path, body, WRONG);

        for (HttpResponse<String> r : List.of(none, basic, wrong)) {
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
            assertThat(JSON.readTree(r.body()).path("error").asText()).isEqualTo("unauthorized");
        }
        assertThat(wrong.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("invalid_token");
        assertThat(refusals("missing") - missingBefore).isEqualTo(2);
        assertThat(refusals("invalid") - invalidBefore).isEqualTo(1);

        // Nothing happened: no recording opened, the node does not drain
        assertThat(allocations.sessions()).isEmpty();
        HttpResponse<String> status = call("GET", InternalApi.NODE, null, InternalApiToken.authorization());
        assertThat(JSON.readTree(status.body()).path("draining").asBoolean()).isFalse();
    }

    @Test
    @DisplayName("with the token every path is served (allocate, list, leases, release, node); drain: NodeDrainTest")
    void served() throws Exception {
        String token = InternalApiToken.authorization();
        String id = RecordingIds.next();

        HttpResponse<String> allocated = call("POST", InternalApi.ALLOCATIONS, ALLOCATE_BODY.formatted(id), token);
        assertThat(allocated.statusCode()).as(allocated.body()).isEqualTo(200);
        assertThat(JSON.readTree(call("GET", InternalApi.ALLOCATIONS, null, token).body()).findValuesAsText("recordingId"))
                .contains(id);
        JsonNode leases = JSON.readTree(call("POST", InternalApi.LEASES, "{\"recordingIds\":[\"" + id + "\"]}", token).body());
        assertThat(leases.path("unknown")).isEmpty();
        assertThat(call("GET", InternalApi.NODE, null, token).statusCode()).isEqualTo(200);
        assertThat(call("POST", InternalApi.release(id), "{\"reason\":\"hangup\"}", token).statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("any other path on the API port needs the token too: nothing there is open")
    void otherPaths() throws Exception {
        for (String path : List.of("/", "/q/health", "/q/metrics", "/internal", "/internal/v2/node")) {
            assertThat(call("GET", path, null, null).statusCode()).as(path).isEqualTo(401);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("internalPaths")
    @DisplayName("the management port serves health and metrics only: no internal path, even with the token")
    void notOnManagementPort(String method, String path, String body) throws Exception {
        URI root = metrics.resolve("/");
        HttpResponse<String> r = send(method, root.resolve(path), body, InternalApiToken.authorization());

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(allocations.sessions()).isEmpty();
        assertThat(send("GET", metrics, null, null).statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("a burst of refused calls is logged once, however many there are; each is counted")
    void logLinesBounded() throws Exception {
        List<LogRecord> lines = new CopyOnWriteArrayList<>();
        Logger logger = Logger.getLogger(InternalApiAuth.class.getName());
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    lines.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try {
            double before = refusals("invalid");
            for (int i = 0; i < 100; i++) {
                call("GET", InternalApi.NODE + "?\r\nforged=line", null, WRONG);
            }
            assertThat(refusals("invalid") - before).isEqualTo(100);
            // at most one line per interval (two if the burst straddles one)
            assertThat(lines).hasSizeLessThanOrEqualTo(2);
        } finally {
            logger.removeHandler(handler);
        }
    }

    private double refusals(String credential) throws Exception {
        Matcher m = Pattern.compile("^callrec_ingest_api_unauthorized_total\\{credential=\"" + credential
                + "\"[^}]*} ([0-9.eE+-]+)$", Pattern.MULTILINE).matcher(send("GET", metrics, null, null).body());
        assertThat(m.find()).as("the counter is exported").isTrue();
        return Double.parseDouble(m.group(1));
    }

    private HttpResponse<String> call(String method, String path, String body, String authorization) throws Exception {
        return send(method, api.toURI().resolve(path.replace("\r\n", "%0D%0A")), body, authorization);
    }

    private static HttpResponse<String> send(String method, URI uri, String body, String authorization)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
