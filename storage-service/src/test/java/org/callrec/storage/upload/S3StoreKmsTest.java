package org.callrec.storage.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.callrec.storage.config.StorageConfig;
import org.callrec.storage.placement.Placement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.minio.Checksum;
import io.minio.PutObjectArgs;
import io.minio.PutObjectBaseArgs;
import io.minio.ServerSideEncryption;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import okhttp3.OkHttpClient;

/**
 * What every PUT of a recording carries for its placement's encryption. s3proxy has no KMS, so
 * this checks the SDK arguments (the headers the SDK sends, for the single PUT and for every
 * request of a multipart upload, which the SDK builds from the same arguments).
 */
class S3StoreKmsTest {

    private static final String KEY = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd";
    private S3Store store;

    @TempDir
    Path dir;

    private S3Store store(String endpoint, String sse) {
        store = new S3Store();
        store.config = new SmallRyeConfigBuilder()
                .withConverter(Duration.class, 200, new DurationConverter())
                .withMapping(StorageConfig.class)
                .withDefaultValues(Map.of("storage.s3.endpoint", endpoint, "storage.s3.access-key", "callrec",
                        "storage.s3.secret-key", "callrec-secret", "storage.s3.sse", sse))
                .build().getConfigMapping(StorageConfig.class);
        store.init();
        return store;
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static PutObjectArgs args(S3Store s, Placement p) throws Exception {
        return s.putArgs(p, "acme/2025/03/04/r.wav", new byte[4], "audio/wav", "ab");
    }

    @Test
    @DisplayName("a placement with a KMS key: the PUT goes to its bucket with aws:kms and the key id, over https")
    void kmsPlacement() throws Exception {
        S3Store s = store("https://s3.example.net", "none");
        PutObjectArgs a = args(s, new Placement("acme-calls", "acme", KEY, null));

        assertThat(a.bucket()).isEqualTo("acme-calls");
        assertThat(a.sse()).isInstanceOf(ServerSideEncryption.KMS.class);
        assertThat(a.sse().headers().get("X-Amz-Server-Side-Encryption")).containsExactly("aws:kms");
        assertThat(a.sse().headers().get("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id")).containsExactly(KEY);
        // the tenant's key replaces the deployment's storage.s3.sse, whatever that is
        assertThat(args(store("https://s3.example.net", "s3"), new Placement("acme-calls", "acme", KEY, null))
                .sse().headers().get("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id")).containsExactly(KEY);
    }

    @Test
    @DisplayName("both kinds of PUT, a WAV streamed from its file and a document from memory, carry the condition, the hash, the placement's KMS key and the CRC32")
    void wavAndDocumentAlike() throws Exception {
        S3Store s = store("https://s3.example.net", "none");
        Placement p = new Placement("acme-calls", "acme", KEY, null);
        Path wav = Files.write(dir.resolve("r.wav"), new byte[48]);
        List<PutObjectBaseArgs> both = List.of(s.putArgs(p, "acme/r.json", new byte[4], "application/json", "ab"),
                s.uploadArgs(p, "acme/r.wav", wav, 48, "audio/wav", "ab"));

        assertThat(both).allSatisfy(a -> {
            assertThat(a.bucket()).isEqualTo("acme-calls");
            assertThat(a.checksum()).isEqualTo(Checksum.Algorithm.CRC32);
            assertThat(a.partCount()).as("one PUT").isEqualTo(1);
            assertThat(a.makeHeaders().get("If-None-Match")).containsExactly("*");
            assertThat(a.makeHeaders().get("x-amz-meta-" + S3Store.SHA256_META)).containsExactly("ab");
            assertThat(a.makeHeaders().get("X-Amz-Server-Side-Encryption")).containsExactly("aws:kms");
            assertThat(a.makeHeaders().get("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id")).containsExactly(KEY);
        });
    }

    @Test
    @DisplayName("every PUT asks S3 to verify a CRC32 (java.util.zip's intrinsic), not the SDK's byte-by-byte CRC32C")
    void checksum() throws Exception {
        assertThat(args(store("http://127.0.0.1:9000", "none"), new Placement("recordings", "acme", null, null))
                .checksum()).isEqualTo(Checksum.Algorithm.CRC32);
    }

    @Test
    @DisplayName("the upload client runs as many requests at once as it has upload threads and import slots (OkHttp runs 5 per host unless told)")
    void concurrency() throws Exception {
        StorageConfig config = store("http://127.0.0.1:9000", "none").config;
        OkHttpClient http = S3Connection.http(config.s3(), 1000, 20);
        assertThat(http.dispatcher().getMaxRequestsPerHost()).isEqualTo(20);
        assertThat(http.dispatcher().getMaxRequests()).isGreaterThanOrEqualTo(20);
        assertThat(S3Connection.http(config.s3(), 1000, 1).dispatcher().getMaxRequestsPerHost()).isEqualTo(5);
    }

    @Test
    @DisplayName("without a KMS key the deployment's storage.s3.sse applies")
    void deploymentEncryption() throws Exception {
        assertThat(args(store("http://127.0.0.1:9000", "none"), new Placement("recordings", "acme", null, null)).sse())
                .isNull();
        assertThat(args(store("http://127.0.0.1:9000", "s3"), new Placement("recordings", "acme", null, null)).sse())
                .isInstanceOf(ServerSideEncryption.S3.class);
    }

    @Test
    @DisplayName("over http: the SDK itself refuses SSE-KMS (tlsRequired), and the store refuses an unusable placement before sending anything")
    void http() throws Exception {
        assertThat(S3Store.kms(KEY).tlsRequired()).as("MinIO 9.0.4 sends SSE-KMS over TLS only").isTrue();
        S3Store s = store("http://127.0.0.1:9", "none");
        Placement refused = new Placement("acme-calls", "acme", KEY, Placement.Unusable.KMS_NEEDS_TLS);

        assertThatThrownBy(() -> args(s, refused)).isInstanceOf(S3Store.Refused.class).hasMessageContaining("kms-needs-tls");
        // port 9 (discard) would fail to connect: Refused comes first, and S3 still counts as answering
        assertThatThrownBy(() -> s.putBytes(refused, "k.json", new byte[] {1}, "application/json"))
                .isInstanceOf(S3Store.Refused.class);
        assertThat(s.answering()).isTrue();
    }
}
