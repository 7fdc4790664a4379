package org.callrec.storage.importer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** Without {@code storage.import.credentials-file} the import is off: never open to anyone. */
@QuarkusTest
@TestProfile(ImportDisabledTest.NoCredentials.class)
class ImportDisabledTest {

    /** No credentials file. */
    public static class NoCredentials implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("storage.import.credentials-file", "");
        }
    }

    @TestHTTPResource("/api/v1/imports")
    URI imports;

    @Test
    @DisplayName("no credentials file: 404 import-disabled, whatever the request carries")
    void disabled() throws Exception {
        for (String auth : new String[] {null, "Bearer test-import-token-acme-0001"}) {
            HttpRequest.Builder b = HttpRequest.newBuilder(imports).header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[100]));
            if (auth != null) {
                b.header("Authorization", auth);
            }
            HttpResponse<String> r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(r.body()).contains("\"import-disabled\"", "storage.import.credentials-file");
        }
    }
}
