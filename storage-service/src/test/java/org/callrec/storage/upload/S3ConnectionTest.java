package org.callrec.storage.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;


import org.callrec.storage.config.StorageConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * The S3 settings of issue 10: credentials (well-known defaults refused outside dev/test/local,
 * the secret from a file), server-side encryption on every PUT and a private CA.
 *
 * <p>What the encryption tests prove: the PUT requests that {@link S3Store} sends carry the
 * SSE headers. They are read by a small HTTPS server in this test that records every request and
 * answers like S3 (200 with an ETag); neither s3proxy nor this server encrypts anything, so that
 * the store really encrypts is up to the S3 service (check with {@code HeadObject} there).
 */
class S3ConnectionTest {

    private static final List<String> PROD = List.of("prod");
    private static final String REAL_SECRET = "Zr9m2Vq8xW4kP7tL1nB6cY3h";

    @TempDir
    Path dir;

    /** Requests received by the fake S3: method, path, headers (lower-case names). */
    record Received(String method, String path, Map<String, String> headers) {
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private HttpsServer server;
    private Path caFile;

    @BeforeEach
    void startFakeS3() throws Exception {
        TestCertificates certs = TestCertificates.create();
        caFile = dir.resolve("ca.pem");
        Files.writeString(caFile, certs.caPem());
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(certs.server()));
        server.createContext("/", exchange -> {
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
            exchange.getRequestBody().readAllBytes();
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers));
            exchange.getResponseHeaders().add("ETag", "\"0123456789abcdef0123456789abcdef\"");
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String endpoint() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    private S3Store store(S3 s3) {
        S3Store store = new S3Store();
        store.config = config(s3);
        store.init();
        return store;
    }

    private List<Received> puts() {
        return received.stream().filter(r -> r.method().equals("PUT")).toList();
    }

    @Test
    @DisplayName("sse=s3: every PUT (small object, streamed file) asks for AES256, over TLS trusted through storage.s3.ca-file")
    void sseS3OnEveryPut() throws Exception {
        S3Store store = store(S3.of(endpoint()).sse(StorageConfig.Sse.S3).ca(caFile));
        Path file = Files.write(dir.resolve("spill.wav"), new byte[44 + 4096]);
        try {
            store.putBytes(AT_DEFAULT, "acme/2025/01/01/a.json", "{}".getBytes(StandardCharsets.UTF_8), "application/json");
            store.putFile(AT_DEFAULT, "acme/2025/01/01/a.wav", file, 44 + 4096, "audio/wav");
        } finally {
            store.close();
        }

        assertThat(puts()).hasSize(2).allSatisfy(put -> {
            assertThat(put.headers()).containsEntry("x-amz-server-side-encryption", "AES256");
            assertThat(put.headers()).doesNotContainKey("x-amz-server-side-encryption-aws-kms-key-id");
        });
        assertThat(puts()).extracting(Received::path)
                .containsExactly("/recordings/acme/2025/01/01/a.json", "/recordings/acme/2025/01/01/a.wav");
    }

    @Test
    @DisplayName("sse=kms: every PUT asks for aws:kms with the configured key id")
    void sseKmsOnEveryPut() throws Exception {
        S3Store store = store(S3.of(endpoint()).sse(StorageConfig.Sse.KMS).kmsKey("arn:aws:kms:eu-west-1:1:key/k-1").ca(caFile));
        try {
            store.putBytes(AT_DEFAULT, "k.json", new byte[] {1}, "application/json");
        } finally {
            store.close();
        }

        assertThat(puts()).singleElement().satisfies(put -> assertThat(put.headers())
                .containsEntry("x-amz-server-side-encryption", "aws:kms")
                .containsEntry("x-amz-server-side-encryption-aws-kms-key-id", "arn:aws:kms:eu-west-1:1:key/k-1"));
    }

    @Test
    @DisplayName("sse=none sends no encryption header; kms without a key id or over plain HTTP refuses to start")
    void noSseAndKmsChecks() throws Exception {
        S3Store store = store(S3.of(endpoint()).ca(caFile));
        try {
            store.putBytes(AT_DEFAULT, "n.json", new byte[] {1}, "application/json");
        } finally {
            store.close();
        }
        assertThat(puts()).singleElement().satisfies(put -> assertThat(put.headers().keySet())
                .noneMatch(h -> h.startsWith("x-amz-server-side-encryption")));

        assertThatThrownBy(() -> S3Connection.encryption(S3.of(endpoint()).sse(StorageConfig.Sse.KMS)))
                .isInstanceOf(S3Connection.Invalid.class).hasMessageContaining("storage.s3.sse-kms-key-id");
        assertThatThrownBy(() -> S3Connection.encryption(S3.of("http://127.0.0.1:9000").sse(StorageConfig.Sse.KMS).kmsKey("k")))
                .isInstanceOf(S3Connection.Invalid.class).hasMessageContaining("https");
    }

    @Test
    @DisplayName("without storage.s3.ca-file the private CA is not trusted: the certificate is refused and nothing is sent")
    void privateCaNeedsTheCaFile() {
        S3Store store = store(S3.of(endpoint()));
        try {
            assertThatThrownBy(() -> store.putBytes(AT_DEFAULT, "x.json", new byte[] {1}, "application/json"))
                    .satisfies(e -> assertThat(causes(e)).anyMatch(java.security.cert.CertificateException.class::isInstance));
        } finally {
            store.close();
        }
        assertThat(received).isEmpty();
        assertThatThrownBy(() -> store(S3.of(endpoint()).ca(dir.resolve("missing.pem"))))
                .isInstanceOf(S3Connection.Invalid.class).hasMessageContaining("storage.s3.ca-file");
    }

    private static List<Throwable> causes(Throwable e) {
        List<Throwable> all = new java.util.ArrayList<>();
        for (Throwable t = e; t != null && !all.contains(t); t = t.getCause()) {
            all.add(t);
        }
        return all;
    }

    @Test
    @DisplayName("outside dev/test/local: no secret, or a well-known one, refuses to start, naming the key to set")
    void wellKnownSecretsRefused() {
        assertThatThrownBy(() -> S3Connection.credentials(S3.of(endpoint()).keys("callrec", null), PROD))
                .isInstanceOf(S3Connection.Invalid.class)
                .hasMessageContaining("STORAGE_S3_SECRET_KEY_FILE").hasMessageContaining("STORAGE_S3_SECRET_KEY");
        for (String known : List.of("callrec-secret", "minioadmin", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")) {
            assertThatThrownBy(() -> S3Connection.credentials(S3.of(endpoint()).keys("someone", known), PROD))
                    .as(known).isInstanceOf(S3Connection.Invalid.class).hasMessageContaining("well-known")
                    .hasMessageNotContaining(known);
        }
        assertThatThrownBy(() -> S3Connection.credentials(S3.of(endpoint()).keys(null, REAL_SECRET), PROD))
                .hasMessageContaining("STORAGE_S3_ACCESS_KEY");

        // The development profiles may use the defaults; a real secret works anywhere.
        for (String profile : List.of("dev", "test", "local")) {
            assertThat(S3Connection.credentials(S3.of(endpoint()).keys("callrec", "callrec-secret"), List.of(profile))
                    .secretKey()).isEqualTo("callrec-secret");
        }
        assertThat(S3Connection.credentials(S3.of(endpoint()).keys("callrec", REAL_SECRET), PROD).secretKey())
                .isEqualTo(REAL_SECRET);
    }

    @Test
    @DisplayName("the secret can come from a file (never shown); a well-known one in a file is refused too; key and file together are refused")
    void secretFromFile() throws Exception {
        Path file = Files.writeString(dir.resolve("s3-secret"), REAL_SECRET + "\n");
        S3Connection.Credentials c = S3Connection.credentials(S3.of(endpoint()).keys("acme", null).secretFile(file), PROD);
        assertThat(c.secretKey()).isEqualTo(REAL_SECRET);
        assertThat(c.source()).contains(file.toString());
        assertThat(c.toString()).doesNotContain(REAL_SECRET);

        Files.writeString(file, "callrec-secret\n");
        assertThatThrownBy(() -> S3Connection.credentials(S3.of(endpoint()).keys("acme", null).secretFile(file), PROD))
                .hasMessageContaining("well-known").hasMessageContaining(file.toString());
        assertThatThrownBy(() -> S3Connection.credentials(S3.of(endpoint()).keys("acme", REAL_SECRET).secretFile(file),
                List.of("local"))).hasMessageContaining("both");
        Files.writeString(file, "  \n");
        assertThatThrownBy(() -> S3Connection.credentials(S3.of(endpoint()).keys("acme", null).secretFile(file), PROD))
                .hasMessageContaining("empty");
    }

    /** The deployment's bucket, tenant acme, no KMS. */
    private static final org.callrec.storage.placement.Placement AT_DEFAULT =
            new org.callrec.storage.placement.Placement("recordings", "acme", null, null);

    /** {@code storage.s3.*} for a test. */
    record S3(String endpoint, Optional<String> accessKey, Optional<String> secretKey, Optional<Path> secretKeyFile,
              StorageConfig.Sse sse, Optional<String> sseKmsKeyId, Optional<Path> caFile) implements StorageConfig.S3 {

        static S3 of(String endpoint) {
            return new S3(endpoint, Optional.of("callrec"), Optional.of("callrec-secret"), Optional.empty(),
                    StorageConfig.Sse.NONE, Optional.empty(), Optional.empty());
        }

        S3 keys(String access, String secret) {
            return new S3(endpoint, Optional.ofNullable(access), Optional.ofNullable(secret), secretKeyFile, sse,
                    sseKmsKeyId, caFile);
        }

        S3 secretFile(Path file) {
            return new S3(endpoint, accessKey, secretKey, Optional.of(file), sse, sseKmsKeyId, caFile);
        }

        S3 sse(StorageConfig.Sse s) {
            return new S3(endpoint, accessKey, secretKey, secretKeyFile, s, sseKmsKeyId, caFile);
        }

        S3 kmsKey(String key) {
            return new S3(endpoint, accessKey, secretKey, secretKeyFile, sse, Optional.of(key), caFile);
        }

        S3 ca(Path file) {
            return new S3(endpoint, accessKey, secretKey, secretKeyFile, sse, sseKmsKeyId, Optional.of(file));
        }

        @Override
        public String bucket() {
            return "recordings";
        }

        @Override
        public String region() {
            return "us-east-1";
        }

        @Override
        public boolean createBucket() {
            return false;
        }

        @Override
        public Optional<Boolean> createTenantBuckets() {
            return Optional.empty();
        }

        @Override
        public Duration timeout() {
            return Duration.ofSeconds(5);
        }

        @Override
        public Duration probeInterval() {
            return Duration.ofSeconds(10);
        }
    }

    /**
     * A {@link StorageConfig} whose {@code s3()} is {@code s3} (and whose health time limit is 3 s, 4 upload
     * threads, 2 import slots); nothing else is read.
     */
    private static StorageConfig config(StorageConfig.S3 s3) {
        StorageConfig.Health health = new StorageConfig.Health() {
            @Override
            public Duration checkInterval() {
                return Duration.ofSeconds(5);
            }

            @Override
            public Duration checkTimeout() {
                return Duration.ofSeconds(3);
            }
        };
        return (StorageConfig) Proxy.newProxyInstance(StorageConfig.class.getClassLoader(),
                new Class<?>[] {StorageConfig.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "s3" -> s3;
                    case "health" -> health;
                    case "uploadThreads" -> 4; // with the import slots: how many requests the client runs at once
                    case "imports" -> Proxy.newProxyInstance(StorageConfig.class.getClassLoader(),
                            new Class<?>[] {StorageConfig.Import.class}, (p, m, a) -> switch (m.getName()) {
                                case "maxConcurrent" -> 2;
                                default -> throw new UnsupportedOperationException(m.getName());
                            });
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
