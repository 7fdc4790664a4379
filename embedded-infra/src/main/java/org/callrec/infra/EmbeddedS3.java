package org.callrec.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;

import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.MinioException;

import okhttp3.OkHttpClient;

/**
 * An S3-compatible server running in this JVM (<a href="https://github.com/gaul/s3proxy">s3proxy</a>).
 *
 * <p>Path-style access, AWS signature V2 or V4 (what the MinIO SDK and the AWS SDKs send), plain
 * HTTP. Two ways to start it:
 * <ul>
 *   <li>{@link #start()}: random port on 127.0.0.1, objects kept in memory; for tests.</li>
 *   <li>{@link #start(String, int, Path)}: fixed host and port, objects kept as files under a
 *       directory (one sub-directory per bucket); for the local run.</li>
 * </ul>
 * {@link #builder()} also sets the credentials, which default to {@value #DEFAULT_ACCESS_KEY} /
 * {@value #DEFAULT_SECRET_KEY}.
 *
 * <p>s3proxy returns user-metadata keys capitalised ({@code call-id} comes back as
 * {@code Call-Id}): clients must read them case-insensitively.
 */
public final class EmbeddedS3 implements AutoCloseable {

    /** Access key unless {@link Builder#credentials(String, String)} says otherwise. */
    public static final String DEFAULT_ACCESS_KEY = "callrec";
    /** Secret key unless {@link Builder#credentials(String, String)} says otherwise. */
    public static final String DEFAULT_SECRET_KEY = "callrec-secret";

    private static final String LOOPBACK = "127.0.0.1";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private final S3Proxy proxy;
    private final BlobStore blobStore;
    private final String endpoint;
    private final String accessKey;
    private final String secretKey;
    private boolean closed;

    private EmbeddedS3(S3Proxy proxy, BlobStore blobStore, String endpoint, String accessKey, String secretKey) {
        this.proxy = proxy;
        this.blobStore = blobStore;
        this.endpoint = endpoint;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    /** Starts on a random port of 127.0.0.1 with an in-memory store and the default credentials. */
    public static EmbeddedS3 start() {
        return builder().start();
    }

    /**
     * Starts on {@code host:port} with a file-system store under {@code dataDir} (created if
     * missing, reused as it is otherwise) and the default credentials.
     */
    public static EmbeddedS3 start(String host, int port, Path dataDir) {
        return builder().host(host).port(port).dataDir(dataDir).start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The URL for clients, e.g. {@code http://127.0.0.1:9000}; a wildcard bind address
     * ({@code 0.0.0.0}, {@code ::}) is reported as 127.0.0.1.
     */
    public String endpoint() {
        return endpoint;
    }

    /** The port the server listens on. */
    public int port() {
        return proxy.getPort();
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    /**
     * Creates a bucket unless it exists already (idempotent), through the MinIO SDK as a client
     * would.
     *
     * @throws IllegalStateException if the server refuses
     */
    public void createBucket(String bucket) {
        Objects.requireNonNull(bucket, "bucket");
        try (MinioClient client = MinioClient.builder()
                .endpoint(endpoint)
                .credentials(accessKey, secretKey)
                // A plain client, shut down by MinioClient.close(): MinIO's default one reads every
                // certificate in $SSL_CERT_FILE/$SSL_CERT_DIR on each build (~0.7 s), useless over HTTP.
                .httpClient(new OkHttpClient(), true)
                .build()) {
            if (client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                return;
            }
            try {
                client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
            } catch (ErrorResponseException e) {
                // created by someone else between the two calls
                if (!"BucketAlreadyOwnedByYou".equals(e.errorResponse().code())) {
                    throw e;
                }
            }
        } catch (MinioException e) {
            throw new IllegalStateException("Cannot create bucket " + bucket + " at " + endpoint + ": " + e, e);
        } catch (Exception e) { // MinioClient.close() throws Exception
            throw new IllegalStateException("Cannot create bucket " + bucket + " at " + endpoint, e);
        }
    }

    /** Stops the server. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot stop s3proxy at " + endpoint, e);
        } finally {
            blobStore.close();
        }
    }

    /** Options for {@link EmbeddedS3}; {@link #start()} starts the server. */
    public static final class Builder {
        private String host = LOOPBACK;
        private int port;
        private Path dataDir;
        private String accessKey = DEFAULT_ACCESS_KEY;
        private String secretKey = DEFAULT_SECRET_KEY;

        private Builder() {
        }

        /** Address to bind. Defaults to 127.0.0.1. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Port to bind; 0 (the default) picks a free one. */
        public Builder port(int port) {
            this.port = Ports.checked(port);
            return this;
        }

        /** Directory for a file-system store; {@code null} (the default) keeps objects in memory. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /**
         * Access key and secret key clients must sign with. Defaults to
         * {@value EmbeddedS3#DEFAULT_ACCESS_KEY} / {@value EmbeddedS3#DEFAULT_SECRET_KEY}. The
         * secret needs at least 8 characters for AWS-style tools.
         */
        public Builder credentials(String accessKey, String secretKey) {
            this.accessKey = Objects.requireNonNull(accessKey, "accessKey");
            this.secretKey = Objects.requireNonNull(secretKey, "secretKey");
            return this;
        }

        /** Starts the server; returns once it accepts requests. */
        public EmbeddedS3 start() {
            BlobStore blobStore = createBlobStore();
            S3Proxy proxy = S3Proxy.builder()
                    .blobStore(blobStore)
                    .endpoint(URI.create("http://" + uriHost(host) + ":" + port))
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                    .build();
            try {
                proxy.start();
                awaitStarted(proxy);
            } catch (Exception e) {
                try {
                    proxy.stop();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
                blobStore.close();
                throw new IllegalStateException("Cannot start s3proxy on " + host + ":" + port + ": " + e, e);
            }
            String endpoint = "http://" + uriHost(clientHost(host)) + ":" + proxy.getPort();
            return new EmbeddedS3(proxy, blobStore, endpoint, accessKey, secretKey);
        }

        private BlobStore createBlobStore() {
            Properties props = new Properties();
            if (dataDir == null) {
                return BlobStores.create("transient-nio2", props);
            }
            try {
                Path dir = Files.createDirectories(dataDir.toAbsolutePath());
                props.setProperty("jclouds.filesystem.basedir", dir.toString());
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create S3 data directory " + dataDir, e);
            }
            return BlobStores.create("filesystem-nio2", props);
        }
    }

    /** Jetty starts synchronously; this only guards against a server that is still starting. */
    private static void awaitStarted(S3Proxy proxy) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("s3proxy not started after " + START_TIMEOUT + ": " + proxy.getState());
            }
            Thread.sleep(10);
        }
    }

    private static String clientHost(String bindHost) {
        return switch (bindHost) {
            case "0.0.0.0", "::", "[::]", "" -> LOOPBACK;
            default -> bindHost;
        };
    }

    private static String uriHost(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
