package org.callrec.catalog.objectstore;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.callrec.catalog.config.CatalogConfig;

import io.minio.DisableObjectLegalHoldArgs;
import io.minio.EnableObjectLegalHoldArgs;
import io.minio.GetObjectArgs;
import io.minio.GetObjectLockConfigurationArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.Http;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.MinioException;
import io.minio.messages.Item;
import io.quarkus.runtime.Startup;
import okhttp3.OkHttpClient;

/**
 * The catalog's one door to the bucket (MinIO SDK): read a metadata document or a byte range of
 * audio, write and remove small objects, list keys, presign a download, set an Object Lock legal
 * hold where the bucket has Object Lock. Every failure of the store is an {@link
 * ObjectStoreException}; a missing object is an empty answer, not an exception.
 */
@ApplicationScoped
@Startup
public class ObjectStore {

    /** The store failed or could not be reached. */
    public static final class ObjectStoreException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public ObjectStoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** An object larger than the caller accepts. */
    public static final class TooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooLarge(String message) {
            super(message);
        }
    }

    @Inject
    CatalogConfig config;

    private MinioClient client;
    private MinioClient presigner;
    private final Map<String, Boolean> objectLock = new ConcurrentHashMap<>();

    /**
     * Builds the clients at start-up ({@link Startup}), not under the first recordings' events: the
     * SDK's default HTTP client adds the certificates of {@code SSL_CERT_FILE} and
     * {@code SSL_CERT_DIR} to its trust, parsing every file there (seconds of CPU where
     * {@code SSL_CERT_DIR} is {@code /etc/ssl/certs}), so both clients share one.
     */
    @PostConstruct
    void init() {
        CatalogConfig.S3 s3 = config.s3();
        String secret = secret(s3);
        OkHttpClient http = Http.newDefaultClient();
        client = MinioClient.builder().endpoint(s3.endpoint()).region(s3.region())
                .credentials(s3.accessKey(), secret).httpClient(http).build();
        // presigning is local computation: with the region given, the SDK never calls the store
        presigner = MinioClient.builder().endpoint(s3.publicEndpoint().orElse(s3.endpoint())).region(s3.region())
                .credentials(s3.accessKey(), secret).httpClient(http).build();
    }

    private static String secret(CatalogConfig.S3 s3) {
        if (s3.secretKey().isPresent() && s3.secretKeyFile().isPresent()) {
            throw new IllegalStateException("both catalog.s3.secret-key and catalog.s3.secret-key-file are set: keep one");
        }
        if (s3.secretKeyFile().isPresent()) {
            try {
                String s = Files.readString(s3.secretKeyFile().get()).strip();
                if (s.isEmpty()) {
                    throw new IllegalStateException("the S3 secret key file " + s3.secretKeyFile().get() + " is empty");
                }
                return s;
            } catch (IOException e) {
                throw new IllegalStateException("cannot read catalog.s3.secret-key-file " + s3.secretKeyFile().get(), e);
            }
        }
        return s3.secretKey().map(String::strip).filter(s -> !s.isEmpty()).orElseThrow(() -> new IllegalStateException(
                "no S3 secret key: set catalog.s3.secret-key-file (CATALOG_S3_SECRET_KEY_FILE) or CATALOG_S3_SECRET_KEY"));
    }

    /** The bucket {@code reindex} reads. */
    public String bucket() {
        return config.s3().bucket();
    }

    /**
     * The whole object, if it is at most {@code max} bytes; empty when there is no such object.
     *
     * @throws TooLarge when it is larger
     */
    public Optional<byte[]> read(String bucket, String key, int max) {
        try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
            byte[] body = in.readNBytes(max + 1);
            if (body.length > max) {
                throw new TooLarge(key + " is larger than " + max + " bytes");
            }
            return Optional.of(body);
        } catch (ErrorResponseException e) {
            if (missing(e)) {
                return Optional.empty();
            }
            throw failed("read", key, e);
        } catch (MinioException | IOException e) {
            throw failed("read", key, e);
        }
    }

    /** {@code length} bytes of an object from {@code offset}; the caller closes the stream. */
    public InputStream open(String bucket, String key, long offset, long length) {
        if (length == 0) {
            return InputStream.nullInputStream();
        }
        try {
            return client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).offset(offset).length(length)
                    .build());
        } catch (MinioException e) {
            throw failed("read", key, e);
        }
    }

    /** Writes a small object (a marker, a document). */
    public void put(String bucket, String key, byte[] body, String contentType) {
        try {
            client.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                    .stream(new ByteArrayInputStream(body), (long) body.length, -1L).contentType(contentType).build());
        } catch (MinioException e) {
            throw failed("write", key, e);
        }
    }

    /** Removes an object; removing one that is not there is no error (S3's own rule). */
    public void remove(String bucket, String key) {
        try {
            client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
        } catch (ErrorResponseException e) {
            if (!missing(e)) {
                throw failed("remove", key, e);
            }
        } catch (MinioException e) {
            throw failed("remove", key, e);
        }
    }

    /** Every key of the bucket, lazily, in the store's (lexicographic) order. */
    public Iterator<String> keys(String bucket) {
        Iterator<Result<Item>> items = client.listObjects(ListObjectsArgs.builder().bucket(bucket).recursive(true)
                .build()).iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return items.hasNext();
            }

            @Override
            public String next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                try {
                    return items.next().get().objectName();
                } catch (MinioException e) {
                    throw failed("list", bucket, e);
                }
            }
        };
    }

    /** A presigned GET of {@code key}, valid for {@code validity}. */
    public String presign(String bucket, String key, Duration validity, String downloadName) {
        try {
            return presigner.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder().method(Http.Method.GET)
                    .bucket(bucket).object(key).expiry((int) validity.toSeconds(), TimeUnit.SECONDS)
                    .extraQueryParams(Map.of("response-content-disposition",
                            "attachment; filename=\"" + downloadName + "\""))
                    .build());
        } catch (MinioException e) {
            throw failed("presign", key, e);
        }
    }

    /** Whether {@code bucket} has S3 Object Lock (asked once per bucket; a store without the feature: no). */
    public boolean hasObjectLock(String bucket) {
        return objectLock.computeIfAbsent(bucket, b -> {
            try {
                return client.getObjectLockConfiguration(GetObjectLockConfigurationArgs.builder().bucket(b).build())
                        != null;
            } catch (MinioException e) {
                return false;
            }
        });
    }

    /** Sets or clears the Object Lock legal hold of an object (only where {@link #hasObjectLock}). */
    public void legalHold(String bucket, String key, boolean on) {
        try {
            if (on) {
                client.enableObjectLegalHold(EnableObjectLegalHoldArgs.builder().bucket(bucket).object(key).build());
            } else {
                client.disableObjectLegalHold(DisableObjectLegalHoldArgs.builder().bucket(bucket).object(key).build());
            }
        } catch (MinioException e) {
            throw failed(on ? "hold" : "release", key, e);
        }
    }

    private static boolean missing(ErrorResponseException e) {
        String code = e.errorResponse() == null ? "" : e.errorResponse().code();
        return "NoSuchKey".equals(code) || "NoSuchObject".equals(code) || e.response() != null && e.response().code() == 404;
    }

    private static ObjectStoreException failed(String what, String key, Exception e) {
        return new ObjectStoreException("S3 " + what + " of " + key + " failed: " + e.getMessage(), e);
    }
}
