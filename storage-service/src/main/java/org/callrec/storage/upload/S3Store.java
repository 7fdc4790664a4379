package org.callrec.storage.upload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.callrec.storage.config.StorageConfig;
import org.callrec.storage.placement.Placement;
import org.jboss.logging.Logger;

import io.minio.BucketExistsArgs;
import io.minio.Checksum;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.PutObjectBaseArgs;
import io.minio.ServerSideEncryption;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.UploadObjectArgs;
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
 *
 * <p><b>An object is never replaced by a different one.</b> Every write carries the SHA-256 of
 * its content as user metadata ({@value #SHA256_META}) and {@code If-None-Match: *}, so S3 stores
 * it only where no object is (AWS S3, MinIO, s3proxy answer 412 otherwise). On a 412 the existing
 * object's hash is read: the same content is an {@link Write#IDENTICAL identical} re-write (a
 * recording stored again after Kafka was read again), anything else a
 * {@link Write#CONFLICT conflict}, and the object stays as it is (an object without the hash
 * counts as the same only if its ETag is the content's MD5). Objects up to 5 GiB go up in one
 * PUT so that the condition holds atomically; a larger one is checked before its multipart upload
 * (a race between two writers of one key is then possible: bucket versioning or Object Lock
 * closes it, see the service's docs).
 *
 * <p><b>Placement.</b> Every write names the recording's {@link Placement}: its bucket, and its
 * SSE-KMS key when it has one (then every PUT, and every part of a multipart upload, which the
 * SDK starts with the same arguments, carries {@code x-amz-server-side-encryption: aws:kms} and
 * the key id); without one, {@code storage.s3.sse} applies. A bucket other than
 * {@code storage.s3.bucket} is checked once per run (HEAD), and created when missing if
 * {@code storage.s3.create-tenant-buckets}; otherwise the write fails with {@link MissingBucket}
 * and the caller retries.
 */
@ApplicationScoped
public class S3Store {

    private static final Logger LOG = Logger.getLogger(S3Store.class);

    /** User-metadata key (without {@code x-amz-meta-}) of an object's SHA-256, lower-case hex. */
    public static final String SHA256_META = "sha256";
    /** Largest object S3 takes in one PUT. */
    static final long MAX_SINGLE_PUT = 5L * 1024 * 1024 * 1024;
    private static final long MIN_PART = 5L * 1024 * 1024;

    /** What a write did. */
    public enum Write {
        /** The object was stored under a key where none was. */
        CREATED,
        /** An object with the same content was there already: nothing changed. */
        IDENTICAL,
        /** A different object is under the key: it was kept, nothing was written. */
        CONFLICT
    }

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
    /** Buckets other than the deployment's known to exist (checked once per run). */
    private final Set<String> knownBuckets = ConcurrentHashMap.newKeySet();

    /** A tenant's bucket does not exist and {@code storage.s3.create-tenant-buckets} is off. */
    public static final class MissingBucket extends MinioException {
        private static final long serialVersionUID = 1L;

        MissingBucket(String bucket) {
            super("bucket " + bucket + " does not exist (storage.s3.create-tenant-buckets is off): create it");
        }
    }

    /** A write for a placement this store cannot honour ({@link Placement#usable()}): nothing is written. */
    public static final class Refused extends MinioException {
        private static final long serialVersionUID = 1L;

        Refused(Placement p) {
            super("placement of bucket " + p.bucket() + " cannot be honoured: " + p.unusable().token());
        }
    }

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
        if (!config.s3().endpoint().toLowerCase(Locale.ROOT).startsWith("https:")) {
            LOG.infof("S3 endpoint %s is plain HTTP: recordings of tenants whose placement asks for SSE-KMS will not be"
                    + " stored (counted in callrec_storage_recordings_failed_total{reason=kms-needs-tls})",
                    config.s3().endpoint());
        }
    }

    @PostConstruct
    void init() {
        credentials = S3Connection.credentials(config.s3(), ConfigUtils.getProfiles());
        sse = S3Connection.encryption(config.s3()).orElse(null);
        client = S3Connection.client(config.s3(), credentials, config.s3().timeout().toMillis(),
                config.uploadThreads() + config.imports().maxConcurrent());
        checkClient = S3Connection.client(config.s3(), credentials, config.health().checkTimeout().toMillis(), 1);
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
        createIfMissing(bucket());
    }

    private void createIfMissing(String bucket) throws MinioException {
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
     * Makes sure the placement's bucket exists: the deployment's is created at startup; another is
     * checked once per run and created if {@code storage.s3.create-tenant-buckets}.
     *
     * @throws MissingBucket it does not exist and may not be created
     */
    void ensureBucket(Placement p) throws MinioException {
        String bucket = p.bucket();
        if (bucket.equals(bucket()) || knownBuckets.contains(bucket)) {
            return;
        }
        if (config.s3().createsTenantBuckets()) {
            createIfMissing(bucket);
        } else if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
            throw new MissingBucket(bucket);
        }
        knownBuckets.add(bucket);
    }

    /** The encryption every write of the placement carries: its SSE-KMS key, else {@code storage.s3.sse}. */
    ServerSideEncryption encryption(Placement p) throws MinioException {
        if (!p.usable()) {
            throw new Refused(p);
        }
        return p.kmsKeyId() == null ? sse : kms(p.kmsKeyId());
    }

    /**
     * Refuses an unusable placement before anything is read or sent, and makes sure its bucket
     * exists. A missing tenant bucket is the tenant's problem, not S3's: it leaves the
     * {@code object-store} check as it is.
     */
    private void prepare(Placement p) throws MinioException {
        encryption(p);
        try {
            ensureBucket(p);
        } catch (MissingBucket e) {
            throw e;
        } catch (MinioException | RuntimeException e) {
            failed(e);
            throw e;
        }
    }

    /** SSE-KMS with {@code keyId} (no encryption context). */
    static ServerSideEncryption kms(String keyId) throws MinioException {
        return new ServerSideEncryption.KMS(keyId, null);
    }

    /**
     * The checksum S3 verifies on every PUT ({@code x-amz-checksum-crc32}). The SDK's default,
     * CRC32C, is its own byte-at-a-time Java loop: the largest single item of the upload's CPU in a
     * profile of this store (15 % of the samples); CRC32 is {@link java.util.zip.CRC32}, an intrinsic.
     * The same integrity check by S3 (both are whole-object checksums, composite per part above
     * 5 GiB), and over plain HTTP the payload's SHA-256 is still signed.
     */
    static final Checksum.Algorithm CHECKSUM = Checksum.Algorithm.CRC32;

    /**
     * The arguments of one conditional PUT of {@code bytes}: see {@link #conditional}. Package-private
     * for the tests (s3proxy has no KMS: what goes on the wire is checked on these).
     */
    PutObjectArgs putArgs(Placement p, String key, byte[] bytes, String contentType, String sha256)
            throws MinioException {
        return conditional(PutObjectArgs.builder().data(bytes, bytes.length), p, key, contentType, sha256);
    }

    /** The arguments of one conditional PUT of the whole of {@code file}, streamed from disk. */
    UploadObjectArgs uploadArgs(Placement p, String key, Path file, long size, String contentType, String sha256)
            throws MinioException {
        return conditional(UploadObjectArgs.builder().filename(file.toString(), partSize(size)), p, key, contentType,
                sha256);
    }

    /**
     * {@code If-None-Match: *}, the content's SHA-256 as user metadata, the placement's bucket and
     * encryption, the {@link #CHECKSUM}.
     */
    private <B extends PutObjectBaseArgs.Builder<B, A>, A extends PutObjectBaseArgs> A conditional(B builder,
            Placement p, String key, String contentType, String sha256) throws MinioException {
        return builder.bucket(p.bucket())
                .object(key)
                .checksum(CHECKSUM)
                .contentType(contentType)
                .sse(encryption(p))
                .headers(Map.of("If-None-Match", "*"))
                .userMetadata(Map.of(SHA256_META, sha256))
                .build();
    }

    /** One part up to {@link #MAX_SINGLE_PUT}: the SDK sends such an object in one PUT. */
    private static long partSize(long size) {
        return Math.max(MIN_PART, Math.min(size, MAX_SINGLE_PUT));
    }

    /**
     * Stores the whole of {@code file}, which must hold exactly {@code bytes} (what the metadata
     * says of it: anything else is a {@link SizeMismatch} and nothing is written), as one
     * object, unless an object is under the key already. Streamed: the SDK reads the file once for
     * its checksums and once to send it, and never holds it in memory; we read it once more, for
     * its SHA-256.
     */
    public Write putFile(Placement p, String key, Path file, long bytes, String contentType)
            throws MinioException, IOException {
        long size = checkSize(file, bytes);
        prepare(p);
        try {
            Digests digests = Digests.of(file);
            Write w = putIfAbsent(p, key, digests, size,
                    () -> client.uploadObject(uploadArgs(p, key, file, size, contentType, digests.sha256())));
            succeeded();
            return w;
        } catch (MinioException | IOException | RuntimeException e) {
            failed(e);
            throw e;
        }
    }

    /** Stores a small object held in memory, unless an object is under the key already. */
    public Write putBytes(Placement p, String key, byte[] bytes, String contentType) throws MinioException {
        prepare(p);
        try {
            Digests digests = Digests.of(bytes);
            Write w = putIfAbsent(p, key, digests, bytes.length,
                    () -> client.putObject(putArgs(p, key, bytes, contentType, digests.sha256())));
            succeeded();
            return w;
        } catch (IOException e) {
            failed(e);
            throw new MinioException(e.toString());
        } catch (MinioException | RuntimeException e) {
            failed(e);
            throw e;
        }
    }

    /** A file to store does not hold what was said of it: a local fault, which trying again does not mend. */
    public static final class SizeMismatch extends IOException {
        private static final long serialVersionUID = 1L;

        SizeMismatch(String message) {
            super(message);
        }
    }

    /** The size of {@code file}, which must be {@code bytes}. */
    static long checkSize(Path file, long bytes) throws IOException {
        long size = Files.size(file);
        if (size != bytes) {
            throw new SizeMismatch(file + " holds " + size + " bytes, not the " + bytes + " expected: not stored");
        }
        return size;
    }

    /** One conditional PUT. */
    @FunctionalInterface
    private interface Put {
        void run() throws MinioException, IOException;
    }

    private Write putIfAbsent(Placement p, String key, Digests digests, long size, Put put)
            throws MinioException, IOException {
        if (size > MAX_SINGLE_PUT) {
            // multipart: the condition is not atomic there, so look first
            Write existing = existing(p, key, digests);
            if (existing != null) {
                return existing;
            }
        }
        try {
            put.run();
            return Write.CREATED;
        } catch (ErrorResponseException e) {
            if (e.response() == null || e.response().code() != 412) {
                throw e;
            }
            Write existing = existing(p, key, digests);
            // gone again between the two requests (deleted by an operator): write it next attempt
            if (existing == null) {
                throw new MinioException("object " + key + " was there and is gone: writing it again");
            }
            return existing;
        }
    }

    /**
     * How the object under {@code key} compares with this content; null if there is none. Its
     * {@value #SHA256_META} decides; an object without one (written by something else, or by a
     * store that drops user metadata) is the same only if its ETag is this content's MD5 (what S3
     * answers for a single-PUT object without SSE-KMS).
     */
    private Write existing(Placement p, String key, Digests digests) throws MinioException, IOException {
        StatObjectResponse stat;
        try {
            stat = client.statObject(StatObjectArgs.builder().bucket(p.bucket()).object(key).build());
        } catch (ErrorResponseException e) {
            String code = e.errorResponse() == null ? "" : e.errorResponse().code();
            if ("NoSuchKey".equals(code) || "NoSuchObject".equals(code)
                    || (e.response() != null && e.response().code() == 404)) {
                return null;
            }
            throw e;
        }
        // okhttp's Headers.get ignores case (s3proxy answers X-Amz-Meta-Sha256)
        String theirs = stat.headers().get("x-amz-meta-" + SHA256_META);
        boolean same = theirs != null ? digests.sha256().equalsIgnoreCase(theirs.trim())
                : stat.etag() != null && digests.md5().get().equalsIgnoreCase(stat.etag().replace("\"", "").trim());
        return same ? Write.IDENTICAL : Write.CONFLICT;
    }

    /**
     * An object's content as the writes need it: its SHA-256 (it goes with every PUT) and, only
     * when an object without a hash is found under the key (rare), its MD5; lower-case hex.
     */
    private record Digests(String sha256, Md5 md5) {

        /** Computes the MD5 of the content when asked. */
        @FunctionalInterface
        interface Md5 {
            String get() throws IOException;
        }

        static Digests of(byte[] bytes) {
            return new Digests(hex(digest("SHA-256").digest(bytes)), () -> hex(digest("MD5").digest(bytes)));
        }

        static Digests of(Path file) throws IOException {
            return new Digests(hex(file, "SHA-256"), () -> hex(file, "MD5"));
        }

        private static String hex(Path file, String algorithm) throws IOException {
            MessageDigest md = digest(algorithm);
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = Files.newInputStream(file)) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    md.update(buf, 0, n);
                }
            }
            return hex(md.digest());
        }

        private static String hex(byte[] b) {
            return HexFormat.of().formatHex(b);
        }

        private static MessageDigest digest(String algorithm) {
            try {
                return MessageDigest.getInstance(algorithm);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("no " + algorithm + " in this JVM", e);
            }
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
}
