package org.callrec.storage.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The credentials file is re-read while the service runs: a credential added works, one removed
 * stops working, a file with none (or none left) disables the import. No Kafka or S3 here: an
 * authenticated request with a file that is no phone recording ends at {@code 400 invalid-file},
 * before anything is stored.
 */
@QuarkusTest
@TestProfile(ImportCredentialsReloadTest.Profile.class)
class ImportCredentialsReloadTest {

    static final String ONE = "first-credential-0001";
    static final String TWO = "second-credential-0002";

    /** A credentials file of this test's own, re-read every 200 ms. */
    public static class Profile implements QuarkusTestProfile {
        static final Path FILE;

        static {
            try {
                FILE = Files.createTempFile("import-credentials", ".txt");
                Files.writeString(FILE, "acme " + ONE + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("storage.import.credentials-file", FILE.toString(),
                    "storage.import.credentials-reload-interval", "200ms");
        }
    }

    @TestHTTPResource("/api/v1/imports")
    URI imports;

    private int post(String token) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(imports).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[200])).build();
        return HttpClient.newHttpClient().send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    @DisplayName("a changed file applies without a restart; an empty, invalid or deleted one accepts nothing (503)")
    void reloads() throws Exception {
        // The first credential passes (its garbage body is then refused as a file), the second is unknown.
        assertThat(post(ONE)).isEqualTo(400);
        assertThat(post(TWO)).isEqualTo(401);

        // Rotation: the second replaces the first.
        Files.writeString(Profile.FILE, "# rotated\nacme " + TWO + "\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> post(TWO) == 400);
        assertThat(post(ONE)).isEqualTo(401);

        // Only unusable lines: nothing is accepted, and the answer says the import is off.
        Files.writeString(Profile.FILE, "acme short\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> post(TWO) == 503);

        // Deleted: the same; back: works again.
        Files.writeString(Profile.FILE, "acme " + TWO + "\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> post(TWO) == 400);
        Files.delete(Profile.FILE);
        await().atMost(Duration.ofSeconds(10)).until(() -> post(TWO) == 503);
        Files.writeString(Profile.FILE, "acme " + TWO + "\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> post(TWO) == 400);
    }
}
