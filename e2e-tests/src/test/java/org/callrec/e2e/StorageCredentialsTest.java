package org.callrec.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The packaged storage service refuses the well-known S3 credentials outside the development
 * profiles (issue 10): it exits at once with a message naming the key to set, and never prints
 * the secret. The same settings start in the {@code local} profile that {@code run.sh} uses.
 */
class StorageCredentialsTest {

    private static final Path JAR = Path.of(System.getProperty("callrec.root", ".."))
            .resolve("storage-service/target/quarkus-app/quarkus-run.jar");

    /** Runs the jar with {@code env} (secrets in the environment, never on the command line). */
    private static Process start(Map<String, String> env, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-jar", JAR.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("STORAGE_") || k.startsWith("QUARKUS_"));
        pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(RecordingStack.freePort()));
        pb.environment().put("QUARKUS_MANAGEMENT_PORT", Integer.toString(RecordingStack.freePort()));
        pb.environment().put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + RecordingStack.freePort());
        pb.environment().put("STORAGE_WORK_DIR", Files.createTempDirectory("callrec-creds").toString());
        pb.environment().putAll(env);
        return pb.start();
    }

    private static String refusal(Map<String, String> env) throws Exception {
        Path log = Files.createTempFile("storage-credentials", ".log");
        Process p = start(env, log);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("storage exits").isTrue();
        String out = Files.readString(log);
        assertThat(p.exitValue()).as(out).isNotZero();
        return out;
    }

    @Test
    @DisplayName("prod profile: no secret, or the well-known callrec-secret, stops storage with the key to set")
    void wellKnownDefaultsRefusedOutsideDevelopmentProfiles() throws Exception {
        String none = refusal(Map.of());
        assertThat(none).contains("no S3 access key", "STORAGE_S3_ACCESS_KEY");
        String noSecret = refusal(Map.of("STORAGE_S3_ACCESS_KEY", "callrec"));
        assertThat(noSecret).contains("no S3 secret key", "STORAGE_S3_SECRET_KEY_FILE", "STORAGE_S3_SECRET_KEY");
        String known = refusal(Map.of("STORAGE_S3_ACCESS_KEY", "callrec", "STORAGE_S3_SECRET_KEY", "callrec-secret"));
        assertThat(known).contains("well-known default", "STORAGE_S3_SECRET_KEY").doesNotContain("callrec-secret");
    }

    @Test
    @DisplayName("local profile: the same development credentials start (the profile run.sh uses)")
    void localProfileAcceptsThem() throws Exception {
        Path log = Files.createTempFile("storage-credentials-local", ".log");
        Process p = start(Map.of("QUARKUS_PROFILE", "local", "STORAGE_S3_SECRET_KEY", "callrec-secret"), log);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(log).contains("secret from")
                    || !p.isAlive());
            assertThat(p.isAlive()).as(Files.readString(log)).isTrue();
            assertThat(Files.readString(log)).contains("access key callrec", "secret from storage.s3.secret-key")
                    .doesNotContain("callrec-secret");
        } finally {
            // it has no broker to reach, and this test is about its start, not its stop (a SIGTERM
            // waits out the start's broker timeouts)
            p.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        }
    }
}
