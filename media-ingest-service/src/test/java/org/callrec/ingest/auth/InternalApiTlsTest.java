package org.callrec.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

import org.callrec.core.allocation.InternalApi;
import org.callrec.infra.TestCertificates;
import org.callrec.ingest.IngestTestResources;
import org.callrec.ingest.InternalApiToken;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The internal API over TLS with PEM files, as from a Kubernetes TLS Secret
 * ({@code quarkus.http.ssl.certificate.files} / {@code key-files}, plain HTTP disabled): a
 * client that trusts the CA and has the token is served; one without the token is refused 401;
 * a plain-HTTP client and a client that does not trust the CA get no answer at all.
 */
@QuarkusTest
@WithTestResource(IngestTestResources.class)
@WithTestResource(InternalApiTlsTest.Pem.class)
class InternalApiTlsTest {

    /** A CA and the node's certificate, as PEM files, and the TLS config pointing at them. */
    public static final class Pem implements QuarkusTestResourceLifecycleManager {
        static TestCertificates certificates;

        @Override
        public Map<String, String> start() {
            try {
                certificates = TestCertificates.create(Files.createTempDirectory("callrec-ingest-tls"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            // HTTPS on the port plain HTTP would use, as the docs advise (QUARKUS_HTTP_SSL_PORT=8082)
            int port;
            try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
                port = s.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of(
                    "quarkus.http.ssl.certificate.files", certificates.serverCert().toString(),
                    "quarkus.http.ssl.certificate.key-files", certificates.serverKey().toString(),
                    "quarkus.http.insecure-requests", "disabled",
                    "quarkus.http.test-port", Integer.toString(port),
                    "quarkus.http.test-ssl-port", Integer.toString(port));
        }

        @Override
        public void stop() {
        }
    }

    @TestHTTPResource(value = "/", tls = true)
    URL api;

    @Test
    @DisplayName("https with the CA and the token: served; without the token: 401")
    void servedOverTls() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(Pem.certificates.clientContext())
                .connectTimeout(Duration.ofSeconds(5)).build();
        assertThat(api.getProtocol()).isEqualTo("https");

        HttpResponse<String> withToken = client.send(request(InternalApiToken.authorization()), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> without = client.send(request(null), HttpResponse.BodyHandlers.ofString());

        assertThat(withToken.statusCode()).isEqualTo(200);
        assertThat(withToken.body()).contains("\"node\"");
        assertThat(without.statusCode()).isEqualTo(401);
    }

    @Test
    @DisplayName("a client that does not trust the CA fails the handshake: no answer")
    void untrustedClient() throws Exception {
        TestCertificates other = TestCertificates.create(Files.createTempDirectory("callrec-other-ca"));
        HttpClient client = HttpClient.newBuilder().sslContext(other.clientContext()).build();

        assertThatThrownBy(() -> client.send(request(InternalApiToken.authorization()), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }

    @Test
    @DisplayName("plain HTTP, token and all, gets no HTTP answer on the TLS port")
    void plainHttpRefused() throws Exception {
        try (Socket socket = new Socket(api.getHost(), api.getPort())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("GET " + InternalApi.NODE + " HTTP/1.1\r\nHost: x\r\nAuthorization: "
                    + InternalApiToken.authorization() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer;
            try {
                answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            } catch (IOException reset) {
                answer = "";
            }
            assertThat(answer).doesNotContain("200").doesNotContain("\"node\"");
        }
    }

    private HttpRequest request(String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(api.toURI().resolve(InternalApi.NODE)).timeout(Duration.ofSeconds(20));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b.build();
    }

}
