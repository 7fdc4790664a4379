package org.callrec.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;

import okhttp3.OkHttpClient;

class EmbeddedS3Test {

    private static final String BUCKET = "recordings";
    private static final long PART_SIZE = 5L * 1024 * 1024;

    private static EmbeddedS3 s3;
    private static MinioClient client;

    @BeforeAll
    static void startS3() {
        s3 = EmbeddedS3.start();
        s3.createBucket(BUCKET);
        client = client(s3.endpoint(), s3.accessKey(), s3.secretKey());
    }

    @AfterAll
    static void stopS3() throws Exception {
        if (client != null) {
            client.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void reportsEndpointAndDefaultCredentials() {
        assertThat(s3.endpoint()).matches("http://127\\.0\\.0\\.1:\\d+").isEqualTo("http://127.0.0.1:" + s3.port());
        assertThat(s3.accessKey()).isEqualTo("callrec");
        assertThat(s3.secretKey()).isEqualTo("callrec-secret").hasSizeGreaterThanOrEqualTo(8);
    }

    @Test
    void createBucketIsIdempotent() throws Exception {
        s3.createBucket(BUCKET);
        s3.createBucket("other-bucket");
        s3.createBucket("other-bucket");

        assertThat(client.listBuckets()).extracting(bucket -> bucket.name()).contains(BUCKET, "other-bucket");
    }

    @Test
    void putsAndGetsAnObjectWithUserMetadata() throws Exception {
        byte[] content = "RIFF....WAVEfmt ".getBytes(StandardCharsets.US_ASCII);

        client.putObject(PutObjectArgs.builder().bucket(BUCKET).object("calls/c-42/meta.bin")
                .data(content, content.length)
                .contentType("application/octet-stream")
                .userMetadata(Map.of("call-id", "c-42", "direction", "inbound"))
                .build());

        // Metadata round-trips; s3proxy capitalises the keys (call-id -> Call-Id)
        StatObjectResponse stat = client.statObject(
                StatObjectArgs.builder().bucket(BUCKET).object("calls/c-42/meta.bin").build());
        assertThat(stat.size()).isEqualTo(content.length);
        assertThat(caseInsensitive(stat)).containsEntry("call-id", "c-42").containsEntry("direction", "inbound");

        assertThat(get("calls/c-42/meta.bin")).isEqualTo(content);
    }

    @Test
    void uploadsAStreamOfUnknownLengthInParts() throws Exception {
        // ~12 MB with a 5 MiB part size: a three-part multipart upload
        byte[] content = new byte[12 * 1024 * 1024 + 123];
        new Random(42).nextBytes(content);

        client.putObject(PutObjectArgs.builder().bucket(BUCKET).object("calls/c-43/audio.wav")
                .stream(new ByteArrayInputStream(content), -1L, PART_SIZE)
                .userMetadata(Map.of("call-id", "c-43"))
                .build());

        StatObjectResponse stat = client.statObject(
                StatObjectArgs.builder().bucket(BUCKET).object("calls/c-43/audio.wav").build());
        assertThat(stat.size()).isEqualTo(content.length);
        assertThat(stat.etag()).endsWith("-3"); // ETag of a multipart object: md5-of-md5s-<parts>
        assertThat(caseInsensitive(stat)).containsEntry("call-id", "c-43");
        assertThat(get("calls/c-43/audio.wav")).isEqualTo(content);
    }

    @Test
    void rejectsAWrongSecret() throws Exception {
        try (MinioClient intruder = client(s3.endpoint(), s3.accessKey(), "not-the-secret")) {
            assertThatThrownBy(() -> intruder.statObject(
                    StatObjectArgs.builder().bucket(BUCKET).object("anything").build()))
                    .isInstanceOf(ErrorResponseException.class);
        }
    }

    @Test
    void keepsObjectsOnDiskAcrossRestarts(@TempDir Path dataDir) throws Exception {
        byte[] content = "kept".getBytes(StandardCharsets.US_ASCII);

        // First run: file-system store, custom credentials, random port
        try (EmbeddedS3 first = EmbeddedS3.builder().host("127.0.0.1").dataDir(dataDir)
                .credentials("local-key", "local-secret").start();
             MinioClient c = client(first.endpoint(), "local-key", "local-secret")) {
            first.createBucket("persisted");
            c.putObject(PutObjectArgs.builder().bucket("persisted").object("a/b.txt")
                    .data(content, content.length).build());
        }
        assertThat(dataDir.resolve("persisted")).isDirectory();

        // Second run on the same directory: bucket and object are still there
        try (EmbeddedS3 second = EmbeddedS3.start("127.0.0.1", 0, dataDir);
             MinioClient c = client(second.endpoint(), second.accessKey(), second.secretKey())) {
            second.createBucket("persisted"); // exists already: no error
            Iterable<Result<Item>> listing = c.listObjects(
                    ListObjectsArgs.builder().bucket("persisted").recursive(true).build());
            assertThat(listing).extracting(result -> result.get().objectName()).containsExactly("a/b.txt");
            try (InputStream in = c.getObject(GetObjectArgs.builder().bucket("persisted").object("a/b.txt").build())) {
                assertThat(in.readAllBytes()).isEqualTo(content);
            }
        }
    }

    /**
     * A MinIO client on a plain OkHttp client that its close() shuts down: MinIO's default HTTP
     * client reads every certificate in $SSL_CERT_DIR when built (~0.7 s each here).
     */
    private static MinioClient client(String endpoint, String accessKey, String secretKey) {
        return MinioClient.builder().endpoint(endpoint).credentials(accessKey, secretKey)
                .httpClient(new OkHttpClient(), true).build();
    }

    private static byte[] get(String object) throws Exception {
        try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(BUCKET).object(object).build())) {
            return in.readAllBytes();
        }
    }

    private static Map<String, String> caseInsensitive(StatObjectResponse stat) {
        Map<String, String> metadata = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        stat.userMetadata().forEach(entry -> metadata.put(entry.getKey(), entry.getValue()));
        return metadata;
    }
}
