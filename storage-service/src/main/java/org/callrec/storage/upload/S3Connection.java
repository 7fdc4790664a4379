package org.callrec.storage.upload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import org.callrec.storage.config.StorageConfig;

import io.minio.MinioClient;
import io.minio.ServerSideEncryption;
import io.minio.errors.MinioException;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;

/**
 * How this service talks to S3: the credentials (from {@code storage.s3.secret-key-file} or
 * {@code storage.s3.secret-key}, checked against well-known defaults), the TLS trust
 * ({@code storage.s3.ca-file}) and the server-side encryption put on every PUT
 * ({@code storage.s3.sse}). Everything is checked when the service starts ({@link S3Store}
 * is created first thing at startup), so a wrong setting stops it with a message naming the key,
 * never at the first upload.
 */
public final class S3Connection {

    /** Profiles in which the well-known development credentials are accepted. */
    public static final Set<String> DEVELOPMENT_PROFILES = Set.of("dev", "test", "local");

    /**
     * Secret keys anyone knows: this project's development default (embedded-infra's
     * {@code EmbeddedS3.DEFAULT_SECRET_KEY}, docker-compose's MinIO), MinIO's factory root password
     * and the example key of the AWS documentation.
     */
    static final Set<String> WELL_KNOWN_SECRETS = Set.of("callrec-secret", "minioadmin",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");

    /** Largest secret-key or CA file read (they are a line or a few certificates). */
    private static final long MAX_FILE = 1 << 20;

    /** A setting that cannot be used; the message names the key to fix. */
    public static final class Invalid extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message);
        }
    }

    /**
     * The credentials to use.
     *
     * @param accessKey access key
     * @param secretKey secret key (never logged)
     * @param source    where the secret came from, for messages: a key name or a file path
     */
    public record Credentials(String accessKey, String secretKey, String source) {
        @Override
        public String toString() {
            return "Credentials[accessKey=" + accessKey + ", secret from " + source + "]";
        }
    }

    private S3Connection() {
    }

    /**
     * Resolves the credentials; outside {@link #DEVELOPMENT_PROFILES} (when none of
     * {@code profiles} is one of them) a missing access key or secret, or a well-known secret, is
     * refused.
     */
    public static Credentials credentials(StorageConfig.S3 s3, List<String> profiles) {
        boolean development = profiles.stream().anyMatch(DEVELOPMENT_PROFILES::contains);
        if (s3.secretKey().isPresent() && s3.secretKeyFile().isPresent()) {
            throw new Invalid("both storage.s3.secret-key and storage.s3.secret-key-file are set: keep one"
                    + " (STORAGE_S3_SECRET_KEY or STORAGE_S3_SECRET_KEY_FILE)");
        }
        String secret;
        String source;
        if (s3.secretKeyFile().isPresent()) {
            Path file = s3.secretKeyFile().get();
            source = "file " + file;
            secret = readSmall(file, "storage.s3.secret-key-file (STORAGE_S3_SECRET_KEY_FILE)").strip();
            if (secret.isEmpty()) {
                throw new Invalid("the S3 secret key file " + file + " (storage.s3.secret-key-file) is empty");
            }
        } else {
            source = "storage.s3.secret-key";
            secret = s3.secretKey().map(String::strip).orElse("");
        }
        String access = s3.accessKey().map(String::strip).orElse("");
        if (!development) {
            String where = " (active profile " + String.join(",", profiles) + "; the development defaults are accepted"
                    + " only in the dev, test and local profiles)";
            if (access.isEmpty()) {
                throw new Invalid("no S3 access key: set storage.s3.access-key (STORAGE_S3_ACCESS_KEY)" + where);
            }
            if (secret.isEmpty()) {
                throw new Invalid("no S3 secret key: set storage.s3.secret-key-file (STORAGE_S3_SECRET_KEY_FILE) or"
                        + " storage.s3.secret-key (STORAGE_S3_SECRET_KEY)" + where);
            }
            if (WELL_KNOWN_SECRETS.contains(secret)) {
                throw new Invalid("the S3 secret key from " + source + " is a well-known default: set your own in"
                        + " storage.s3.secret-key-file (STORAGE_S3_SECRET_KEY_FILE) or storage.s3.secret-key"
                        + " (STORAGE_S3_SECRET_KEY)" + where);
            }
        } else if (access.isEmpty() || secret.isEmpty()) {
            throw new Invalid("no S3 credentials: set storage.s3.access-key and storage.s3.secret-key(-file)");
        }
        return new Credentials(access, secret, source);
    }

    /** The encryption to put on every PUT; empty for {@code none}. */
    public static Optional<ServerSideEncryption> encryption(StorageConfig.S3 s3) {
        return switch (s3.sse()) {
            case NONE -> Optional.empty();
            case S3 -> Optional.of(new ServerSideEncryption.S3());
            case KMS -> {
                String keyId = s3.sseKmsKeyId().map(String::strip).filter(k -> !k.isEmpty())
                        .orElseThrow(() -> new Invalid("storage.s3.sse=kms needs storage.s3.sse-kms-key-id"
                                + " (STORAGE_S3_SSE_KMS_KEY_ID)"));
                if (!s3.endpoint().toLowerCase(java.util.Locale.ROOT).startsWith("https:")) {
                    throw new Invalid("storage.s3.sse=kms needs an https endpoint (storage.s3.endpoint is "
                            + s3.endpoint() + "): the MinIO SDK sends SSE-KMS over TLS only");
                }
                try {
                    yield Optional.of(new ServerSideEncryption.KMS(keyId, null));
                } catch (MinioException e) {
                    throw new Invalid("storage.s3.sse-kms-key-id cannot be used: " + e.getMessage());
                }
            }
        };
    }

    /**
     * A client with the given time limit per exchange, the credentials and the TLS trust of
     * {@code s3}, that runs up to {@code concurrent} requests at once. The MinIO SDK sends every
     * request through OkHttp's asynchronous dispatcher, which by default runs at most 5 per host
     * and queues the rest: more upload threads than that would wait there, unseen.
     */
    public static MinioClient client(StorageConfig.S3 s3, Credentials credentials, long timeoutMillis,
            int concurrent) {
        return MinioClient.builder()
                .endpoint(s3.endpoint())
                .region(s3.region())
                .credentials(credentials.accessKey(), credentials.secretKey())
                .httpClient(http(s3, timeoutMillis, concurrent), true)
                .build();
    }

    /** The HTTP client of {@link #client}. */
    static OkHttpClient http(StorageConfig.S3 s3, long timeoutMillis, int concurrent) {
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequestsPerHost(Math.max(5, concurrent));
        dispatcher.setMaxRequests(Math.max(dispatcher.getMaxRequests(), concurrent));
        OkHttpClient.Builder http = new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .connectionPool(new ConnectionPool(Math.max(5, concurrent), 5, TimeUnit.MINUTES))
                .connectTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .readTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .writeTimeout(timeoutMillis, TimeUnit.MILLISECONDS);
        if (s3.caFile().isPresent()) {
            X509TrustManager trust = trustManager(s3.caFile().get());
            try {
                SSLContext tls = SSLContext.getInstance("TLS");
                tls.init(null, new TrustManager[] {trust}, null);
                http.sslSocketFactory(tls.getSocketFactory(), trust);
            } catch (GeneralSecurityException e) {
                throw new Invalid("cannot set up TLS with storage.s3.ca-file: " + e);
            }
        }
        return http.build();
    }

    /** A trust manager that trusts exactly the certificates of a PEM file. */
    static X509TrustManager trustManager(Path pemFile) {
        String key = "storage.s3.ca-file (STORAGE_S3_CA_FILE)";
        readSmall(pemFile, key); // existence, size, readability, with a clear message
        try (InputStream in = Files.newInputStream(pemFile)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new Invalid("no certificate in " + pemFile + " (" + key + "): expected PEM");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int n = 0;
            for (Certificate c : certs) {
                store.setCertificateEntry("ca-" + n++, c);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            for (TrustManager tm : factory.getTrustManagers()) {
                if (tm instanceof X509TrustManager x509) {
                    return x509;
                }
            }
            throw new Invalid("no X.509 trust manager for " + pemFile);
        } catch (IOException | GeneralSecurityException e) {
            throw new Invalid("cannot read the certificates in " + pemFile + " (" + key + "): " + e.getMessage());
        }
    }

    private static String readSmall(Path file, String key) {
        try {
            if (Files.size(file) > MAX_FILE) {
                throw new Invalid(file + " (" + key + ") is larger than 1 MiB");
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Invalid("cannot read " + file + " (" + key + "): " + e);
        }
    }
}
