package org.callrec.storage.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.callrec.infra.EmbeddedS3;
import org.callrec.storage.config.StorageConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import okhttp3.OkHttpClient;

/** {@link S3Store}'s writes against a real S3 server (s3proxy): never a replacement. */
class S3StoreConditionalWriteTest {

    private static final String BUCKET = "recordings";
    private static final org.callrec.storage.placement.Placement AT_DEFAULT =
            new org.callrec.storage.placement.Placement(BUCKET, "acme", null, null);
    private static EmbeddedS3 server;

    @TempDir
    Path dir;

    private S3Store store;
    private MinioClient reader;

    @BeforeAll
    static void startS3() {
        server = EmbeddedS3.start();
        server.createBucket(BUCKET);
    }

    @AfterAll
    static void stopS3() {
        server.close();
    }

    @BeforeEach
    void setUp() {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withConverter(Duration.class, 200, new DurationConverter())
                .withMapping(StorageConfig.class)
                .withDefaultValues(Map.of("storage.s3.endpoint", server.endpoint(),
                        "storage.s3.access-key", server.accessKey(), "storage.s3.secret-key", server.secretKey(),
                        "storage.s3.bucket", BUCKET))
                .build();
        store = new S3Store();
        store.config = config.getConfigMapping(StorageConfig.class);
        store.init();
        reader = MinioClient.builder().endpoint(server.endpoint()).credentials(server.accessKey(), server.secretKey())
                .httpClient(new OkHttpClient(), true).build();
    }

    @AfterEach
    void tearDown() throws Exception {
        store.close();
        reader.close();
    }

    @Test
    @DisplayName("the same metadata document written again passes as identical; a different one is a conflict and the first stays")
    void smallObjects() throws Exception {
        byte[] first = "{\"recordingId\":\"a\"}".getBytes(StandardCharsets.UTF_8);
        byte[] other = "{\"recordingId\":\"b\"}".getBytes(StandardCharsets.UTF_8);

        assertThat(store.putBytes(AT_DEFAULT, "acme/a.json", first, "application/json")).isEqualTo(S3Store.Write.CREATED);
        assertThat(store.putBytes(AT_DEFAULT, "acme/a.json", first.clone(), "application/json")).isEqualTo(S3Store.Write.IDENTICAL);
        assertThat(store.putBytes(AT_DEFAULT, "acme/a.json", other, "application/json")).isEqualTo(S3Store.Write.CONFLICT);

        assertThat(read("acme/a.json")).isEqualTo(first);
        assertThat(store.answering()).as("a refused write is an answer, not an outage").isTrue();
    }

    @Test
    @DisplayName("a WAV streamed from its spill file: a replayed identical upload passes, different audio under the key is refused")
    void streamedFiles() throws Exception {
        Path spill = Files.write(dir.resolve("a.wav"), new byte[] {'R', 'I', 'F', 'F', 1, 2, 3, 4, 5, 6, 7, 8});
        Path forged = Files.write(dir.resolve("b.wav"), new byte[] {'R', 'I', 'F', 'F', 8, 7, 6, 5, 4, 3, 2, 1});

        assertThat(store.putFile(AT_DEFAULT, "acme/a.wav", spill, 12, "audio/wav")).isEqualTo(S3Store.Write.CREATED);
        assertThat(store.putFile(AT_DEFAULT, "acme/a.wav", spill, 12, "audio/wav")).isEqualTo(S3Store.Write.IDENTICAL);
        assertThat(store.putFile(AT_DEFAULT, "acme/a.wav", forged, 12, "audio/wav")).isEqualTo(S3Store.Write.CONFLICT);

        assertThat(read("acme/a.wav")).containsExactly('R', 'I', 'F', 'F', 1, 2, 3, 4, 5, 6, 7, 8);

        // a file that does not hold what its metadata will say is refused, and nothing is written
        Path longer = Files.write(dir.resolve("c.wav"), new byte[13]);
        assertThatThrownBy(() -> store.putFile(AT_DEFAULT, "acme/longer.wav", longer, 12, "audio/wav"))
                .isInstanceOf(S3Store.SizeMismatch.class).hasMessageContaining("not the 12 expected");
        assertThat(reader.listObjects(io.minio.ListObjectsArgs.builder().bucket(BUCKET).prefix("acme/longer").build()))
                .isEmpty();
        assertThat(store.answering()).as("a local fault, not an outage").isTrue();
    }

    @Test
    @DisplayName("a WAV goes up streamed from its file: 32 MiB allocate a small part of that on the uploading and HTTP threads, and arrive whole")
    void largeFilesAreNotHeldInMemory() throws Exception {
        int size = 32 << 20;
        Path wav = dir.resolve("large.wav");
        byte[] block = new byte[1 << 20];
        try (var out = Files.newOutputStream(wav)) {
            for (int i = 0; i < size / block.length; i++) {
                java.util.Arrays.fill(block, (byte) i);
                out.write(block);
            }
        }
        // the first request of a client loads its classes and opens its connection
        store.putFile(AT_DEFAULT, "acme/warm.wav", Files.write(dir.resolve("warm.wav"), new byte[64]), 64, "audio/wav");

        Map<Long, Long> before = allocatedByUploadThreads();
        assertThat(store.putFile(AT_DEFAULT, "acme/large.wav", wav, size, "audio/wav")).isEqualTo(S3Store.Write.CREATED);
        Map<Long, Long> after = allocatedByUploadThreads();
        long allocated = after.entrySet().stream()
                .mapToLong(e -> e.getValue() - before.getOrDefault(e.getKey(), 0L)).sum();

        assertThat(allocated).as("bytes allocated while uploading %d", size).isLessThan(size / 8);
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        try (InputStream in = reader.getObject(GetObjectArgs.builder().bucket(BUCKET).object("acme/large.wav").build())) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
            }
        }
        java.security.MessageDigest expected = java.security.MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(wav)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                expected.update(buf, 0, n);
            }
        }
        assertThat(sha.digest()).isEqualTo(expected.digest());
    }

    /**
     * Bytes allocated so far by this thread (which runs {@link S3Store#putFile}) and the HTTP
     * client's threads (OkHttp's names start with "OkHttp"); s3proxy's threads are not counted.
     */
    private static Map<Long, Long> allocatedByUploadThreads() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        Map<Long, Long> bytes = new java.util.HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t == Thread.currentThread() || t.getName().startsWith("OkHttp")) {
                bytes.put(t.getId(), threads.getThreadAllocatedBytes(t.getId()));
            }
        }
        return bytes;
    }

    @Test
    @DisplayName("an object without a content hash (written by something else) is never replaced; the same bytes pass by their MD5")
    void foreignObjectsAreKept() throws Exception {
        byte[] theirs = "written by an operator".getBytes(StandardCharsets.UTF_8);
        reader.putObject(PutObjectArgs.builder().bucket(BUCKET).object("acme/c.json")
                .stream(new ByteArrayInputStream(theirs), (long) theirs.length, null).build());

        byte[] ours = "{\"recordingId\":\"c\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(store.putBytes(AT_DEFAULT, "acme/c.json", ours, "application/json")).isEqualTo(S3Store.Write.CONFLICT);
        assertThat(store.putBytes(AT_DEFAULT, "acme/c.json", theirs.clone(), "application/json"))
                .isEqualTo(S3Store.Write.IDENTICAL);
        assertThat(read("acme/c.json")).isEqualTo(theirs);

        // the same for a file: its MD5 read from disk
        byte[] wav = {'R', 'I', 'F', 'F', 9, 9, 9};
        reader.putObject(PutObjectArgs.builder().bucket(BUCKET).object("acme/c.wav")
                .stream(new ByteArrayInputStream(wav), (long) wav.length, null).build());
        Path same = Files.write(dir.resolve("same.wav"), wav);
        Path other = Files.write(dir.resolve("other.wav"), new byte[] {'R', 'I', 'F', 'F', 9, 9, 8});
        assertThat(store.putFile(AT_DEFAULT, "acme/c.wav", other, 7, "audio/wav")).isEqualTo(S3Store.Write.CONFLICT);
        assertThat(store.putFile(AT_DEFAULT, "acme/c.wav", same, 7, "audio/wav")).isEqualTo(S3Store.Write.IDENTICAL);
        assertThat(read("acme/c.wav")).isEqualTo(wav);
    }

    private byte[] read(String key) throws Exception {
        try (InputStream in = reader.getObject(GetObjectArgs.builder().bucket(BUCKET).object(key).build())) {
            return in.readAllBytes();
        }
    }
}
