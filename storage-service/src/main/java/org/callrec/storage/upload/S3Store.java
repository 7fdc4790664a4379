package org.callrec.storage.upload;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.callrec.storage.config.StorageConfig;
import org.jboss.logging.Logger;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.ServerSideEncryption;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.MinioException;
import io.quarkus.runtime.configuration.ConfigUtils;

/**
 * The bucket, through the MinIO SDK (blocking: called from the upload pool and the consumer
 * thread's start-up, never from an event loop). Every HTTP exchange has the
 * {@code storage.s3.timeout} limit; retries are the caller's.
 *
 * <p>Objects appear under their key only when complete: an object of known size is one PUT, or a
 * multipart upload that becomes visible only when it is completed (the SDK switches to multipart
 * above its part size); an interrupted upload leaves nothing under the key (a multipart upload's
 * parts stay invisible until the bucket's lifecycle rule for incomplete uploads removes them).
 * Nothing is ever written to a temporary key.
 */
@ApplicationScoped
public class S3Store {

    private static final Logger LOG = Logger.getLogger(S3Store.class);

    @Inject
    StorageConfig config;

    private MinioClient client;
    private volatile boolean answering = true;
    private volatile String lastFailure = "";
    /** The probe's client, with the short time limit of readiness checks ({@code storage.health.check-timeout}). */
    private MinioClient checkClient;
    /** What {@code storage.s3.sse} asks for on every PUT; null for none. */
    private ServerSideEncryption sse;
    private S3Connection.Credentials credentials;

    /**
     * Logs what S3 is used with (the secret's source, never the secret). Called first thing at
     * startup ({@link S3StartupCheck}): creating this bean checks the settings, so missing,
     * well-known or unusable ones stop the service with a message naming the key to set
     * ({@link S3Connection.Invalid}).
     */
    void describe() {
        LOG.infof("S3 %s, bucket %s, access key %s, secret from %s, server-side encryption %s%s", config.s3().endpoint(),
                bucket(), credentials.accessKey(), credentials.source(), config.s3().sse().name().toLowerCase(Locale.ROOT),
                config.s3().caFile().map(f -> ", CA " + f).orElse(""));
    }

    @PostConstruct
    void init() {
        credentials = S3Connection.credentials(config.s3(), ConfigUtils.getProfiles());
        sse = S3Connection.encryption(config.s3()).orElse(null);
        client = S3Connection.client(config.s3(), credentials, config.s3().timeout().toMillis());
        checkClient = S3Connection.client(config.s3(), credentials, config.health().checkTimeout().toMillis());
    }

    @PreDestroy
    void close() {
        for (MinioClient c : new MinioClient[] {client, checkClient}) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debugf("Closing an S3 client: %s", e);
            }
        }
    }

    /** The bucket recordings go to. */
    public String bucket() {
        return config.s3().bucket();
    }

    /**
     * Whether the last exchange with S3 (an upload, the bucket check at startup or a
     * {@link #probe()}) succeeded. Readiness reports it.
     */
    public boolean answering() {
        return answering;
    }

    /** Why the last failed exchange failed (empty after a success). */
    public String lastFailure() {
        return lastFailure;
    }

    /**
     * Checks that the bucket exists (one HEAD request, with the readiness checks' short time limit);
     * the outcome updates {@link #answering()}. Blocking: never on an event loop.
     */
    public void probe() {
        try {
            boolean exists = checkClient.bucketExists(BucketExistsArgs.builder().bucket(bucket()).build());
            if (exists) {
                succeeded();
            } else {
                failed(new IllegalStateException("bucket " + bucket() + " does not exist"));
            }
        } catch (MinioException | RuntimeException e) {
            failed(e);
        }
    }

    /** Creates the bucket unless it exists. */
    public void ensureBucket() throws MinioException {
        try {
            createBucketIfMissing();
            succeeded();
        } catch (MinioException | RuntimeException e) {
            failed(e);
            throw e;
        }
    }

    private void createBucketIfMissing() throws MinioException {
        String bucket = bucket();
        if (client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
            return;
        }
        try {
            client.makeBucket(MakeBucketArgs.builder().bucket(bucket).region(config.s3().region()).build());
            LOG.infof("Created bucket %s at %s", bucket, config.s3().endpoint());
        } catch (ErrorResponseException e) {
            String code = e.errorResponse().code();
            if (!"BucketAlreadyOwnedByYou".equals(code) && !"BucketAlreadyExists".equals(code)) {
                throw e;
            }
        }
    }

    /**
     * Stores {@code header} followed by the first {@code fileBytes} bytes of {@code file} as one
     * object of known size (streamed: the file is never held in memory).
     */
    public void putFile(String key, byte[] header, Path file, long fileBytes, String contentType)
            throws MinioException, IOException {
        try {
            putFileOnce(key, header, file, fileBytes, contentType);
            succeeded();
        } catch (MinioException | IOException | RuntimeException e) {
            failed(e);
            throw e;
        }
    }

    private void putFileOnce(String key, byte[] header, Path file, long fileBytes, String contentType)
            throws MinioException, IOException {
        try (InputStream in = new SequenceInputStream(new ByteArrayInputStream(header),
                new LimitedInputStream(Files.newInputStream(file), fileBytes))) {
            client.putObject(PutObjectArgs.builder()
                    .bucket(bucket())
                    .object(key)
                    .stream(in, header.length + fileBytes, null)
                    .contentType(contentType)
                    .sse(sse)
                    .build());
        }
    }

    /** Stores a small object held in memory. */
    public void putBytes(String key, byte[] bytes, String contentType) throws MinioException {
        try {
            client.putObject(PutObjectArgs.builder()
                    .bucket(bucket())
                    .object(key)
                    .stream(new ByteArrayInputStream(bytes), (long) bytes.length, null)
                    .contentType(contentType)
                    .sse(sse)
                    .build());
            succeeded();
        } catch (MinioException | RuntimeException e) {
            failed(e);
            throw e;
        }
    }

    private void succeeded() {
        if (!answering) {
            LOG.infof("S3 at %s answers again", config.s3().endpoint());
        }
        answering = true;
        lastFailure = "";
    }

    private void failed(Exception e) {
        lastFailure = e.toString();
        answering = false;
    }

    /** Reads at most {@code limit} bytes of the stream it wraps. */
    private static final class LimitedInputStream extends FilterInputStream {
        private long left;

        LimitedInputStream(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(Math.min(n, left));
            left -= skipped;
            return skipped;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(super.available(), left);
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
