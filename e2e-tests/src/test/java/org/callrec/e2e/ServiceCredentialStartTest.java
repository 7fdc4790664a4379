package org.callrec.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The packaged services, in their production profile, refuse to start without a usable service
 * credential file, and say which key to set: there is no well-known default token.
 */
class ServiceCredentialStartTest {

    @ParameterizedTest(name = "{0} with {1} {2}")
    @CsvSource({
            "media-ingest-service, ingest.api.token-file, unset",
            "media-ingest-service, ingest.api.token-file, empty",
            "media-ingest-service, ingest.api.token-file, short",
            "control-service, control.ingest.token-file, unset",
            "control-service, control.ingest.token-file, empty"})
    @DisplayName("no token file, an empty one, or one with a guessable token: the service exits naming the key")
    void refusesToStart(String module, String key, String file) throws Exception {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("quarkus.http.port", Integer.toString(RecordingStack.freePort()));
        config.put("quarkus.management.port", Integer.toString(RecordingStack.freePort()));
        config.put("control.port", Integer.toString(RecordingStack.freePort()));
        config.put("ingest.recovery.enabled", "false");
        config.put("kafka.bootstrap.servers", "127.0.0.1:" + RecordingStack.freePort());
        if (!file.equals("unset")) {
            Path tokenFile = Files.createTempFile("callrec-token", "");
            Files.writeString(tokenFile, file.equals("short") ? "secret\n" : "");
            config.put(key, tokenFile.toString());
        }

        ServiceProcess.Exited exited = ServiceProcess.runUntilExit(module, config, Duration.ofSeconds(90));

        assertThat(exited.exitCode()).as(exited.output()).isNotIn(0, -1);
        assertThat(exited.output()).contains(key);
    }
}
