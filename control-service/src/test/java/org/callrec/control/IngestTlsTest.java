package org.callrec.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import jakarta.inject.Inject;

import org.callrec.control.protocol.ControlServer;
import org.callrec.infra.TestCertificates;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * control-service talks to {@code https://} nodes whose certificate a private CA signed
 * ({@code control.ingest.trust-file}), and to no node whose certificate it cannot verify.
 */
@QuarkusTest
@WithTestResource(IngestTlsTest.TlsNodes.class)
class IngestTlsTest {

    /** A node with a certificate of the trusted CA, then one whose CA control does not know. */
    public static final class TlsNodes implements QuarkusTestResourceLifecycleManager {
        FakeIngestNode trusted;
        FakeIngestNode stranger;

        @Override
        public Map<String, String> start() {
            try {
                Path dir = Files.createTempDirectory("callrec-tls");
                TestCertificates ours = TestCertificates.create(dir.resolve("ours"));
                TestCertificates theirs = TestCertificates.create(dir.resolve("theirs"));
                trusted = FakeIngestNode.startTls("ingest-tls", "192.0.2.10", 43000, ours.serverContext());
                stranger = FakeIngestNode.startTls("ingest-stranger", "192.0.2.11", 44000, theirs.serverContext());
                return Map.of(
                        "control.ingest.nodes", stranger.url() + "," + trusted.url(),
                        "control.ingest.trust-file", ours.caCert().toString(),
                        "control.ingest.timeout", "1s");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void inject(TestInjector injector) {
            injector.injectIntoFields(this, new TestInjector.MatchesType(TlsNodes.class));
        }

        @Override
        public void stop() {
            if (trusted != null) {
                trusted.close();
            }
            if (stranger != null) {
                stranger.close();
            }
        }
    }

    @Inject
    ControlServer server;

    TlsNodes nodes;

    @Test
    @DisplayName("every start lands on the node the CA file vouches for; the other never gets a request")
    void onlyTheVerifiedNode() {
        try (PhoneConnection phone = new PhoneConnection(server.port())) {
            for (String id : new String[] {"tls-1", "tls-2"}) {
                assertThat(phone.send(PhoneConnection.startCommand(id)))
                        .contains(entry("result", "success"), entry("server", nodes.trusted.address()));
            }
        }
        assertThat(nodes.trusted.url()).startsWith("https://");
        assertThat(nodes.trusted.allocateCalls()).hasSize(2);
        assertThat(nodes.trusted.unauthorizedCalls()).isZero();
        // the handshake with the stranger fails before any HTTP request
        assertThat(nodes.stranger.allocateCalls()).isEmpty();
    }
}
