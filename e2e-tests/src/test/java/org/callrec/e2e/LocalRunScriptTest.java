package org.callrec.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;

/**
 * The README's first command keeps working: {@code ./run.sh} brings the whole suite up on its
 * embedded defaults, the phone simulator records against it as the README shows, and SIGTERM
 * (what Ctrl-C leads to) stops everything cleanly. Run on free ports and a temporary state
 * directory, so it does not meet a developer's own local run.
 */
class LocalRunScriptTest {

    @Test
    void runShComesUpRecordsCallsAndStopsCleanly() throws Exception {
        Path root = Path.of(System.getProperty("callrec.root", "..")).toAbsolutePath().normalize();
        Path state = Files.createTempDirectory("callrec-runsh");
        Path output = state.resolve("run.out");
        int control = RecordingStack.freePort();
        int s3 = RecordingStack.freePort();
        int udpMin = 20000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(400) * 100;

        ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("run.sh").toString())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        Map<String, String> env = pb.environment();
        env.put("CALLREC_STATE_DIR", state.toString());
        env.put("CALLREC_CONTROL_PORT", Integer.toString(control));
        env.put("CALLREC_KAFKA_PORT", Integer.toString(RecordingStack.freePort()));
        env.put("CALLREC_S3_PORT", Integer.toString(s3));
        env.put("CALLREC_CONTROL_HTTP_PORT", Integer.toString(RecordingStack.freePort()));
        int ingestHttp = RecordingStack.freePort();
        env.put("CALLREC_INGEST_HTTP_PORT", Integer.toString(ingestHttp));
        int storageHttp = RecordingStack.freePort();
        env.put("CALLREC_STORAGE_HTTP_PORT", Integer.toString(storageHttp));
        env.remove("CALLREC_S3_SECRET_KEY"); // run.sh makes one for the run
        int controlManagement = RecordingStack.freePort();
        env.put("CALLREC_CONTROL_MANAGEMENT_PORT", Integer.toString(controlManagement));
        env.put("CALLREC_INGEST_MANAGEMENT_PORT", Integer.toString(RecordingStack.freePort()));
        env.put("CALLREC_STORAGE_MANAGEMENT_PORT", Integer.toString(RecordingStack.freePort()));
        int catalogHttp = RecordingStack.freePort();
        env.put("CALLREC_CATALOG_HTTP_PORT", Integer.toString(catalogHttp));
        env.put("CALLREC_CATALOG_MANAGEMENT_PORT", Integer.toString(RecordingStack.freePort()));
        env.put("CALLREC_POSTGRES_PORT", Integer.toString(RecordingStack.freePort()));
        env.remove("CALLREC_OPERATOR_KEY"); // run.sh makes one for the run and prints it
        env.put("CALLREC_UDP_PORT_MIN", Integer.toString(udpMin));
        env.put("CALLREC_UDP_PORT_MAX", Integer.toString(udpMin + 49));
        Process run = pb.start();
        List<String> secrets = new java.util.ArrayList<>();
        List<String> operatorKeys = new java.util.ArrayList<>();
        try {
            // 1. It comes up and says where phones must point.
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250))
                    .until(() -> read(output).contains("READY") || !run.isAlive());
            assertThat(run.isAlive()).as("run.sh output:%n%s", read(output)).isTrue();
            assertThat(read(output)).contains("port " + control + " (TCP)", "http://127.0.0.1:" + s3, "bucket recordings",
                    "http://127.0.0.1:" + controlManagement + "/q/metrics");

            // ... with a service credential of its own: a file only this user can read, whose token
            // is on no command line, and without which ingest's internal API answers 401
            Path token = state.resolve("run/internal-token");
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(token)))
                    .isEqualTo("rw-------");
            String secret = Files.readString(token).strip();
            assertThat(secret).matches("[0-9a-f]{64}");
            Process ps = new ProcessBuilder("ps", "-eo", "args").redirectErrorStream(true).start();
            String commandLines = new String(ps.getInputStream().readAllBytes());
            assertThat(commandLines).contains("media-ingest-service").doesNotContain(secret);
            java.net.http.HttpResponse<String> refused = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + ingestHttp
                            + org.callrec.core.allocation.InternalApi.NODE_DRAIN))
                            .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(401);

            // 2. The README's simulator command records two calls against it.
            Process phones = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", root.resolve("phone-simulator/target/phone-simulator.jar").toString(),
                    "--control", "127.0.0.1:" + control, "--phones", "2", "--duration", "2s", "--quiet")
                    .redirectErrorStream(true).start();
            String phonesOut = new String(phones.getInputStream().readAllBytes());
            assertThat(phones.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(phones.exitValue()).as(phonesOut).isZero();

            // ... and control's metrics, at the URL run.sh printed, counted both starts.
            java.net.http.HttpResponse<String> scraped = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                            "http://127.0.0.1:" + controlManagement + "/q/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(scraped.body()).contains(
                    "callrec_control_commands_total{command=\"RecordStartRequest\",result=\"success\"} 2.0");

            // 3. The run's secrets are files only its user may read, and on no command line.
            Path runDir = state.resolve("run");
            String s3Secret = Files.readString(runDir.resolve("s3-secret-key")).strip();
            String importHeader = Files.readString(runDir.resolve("import-authorization.header")).strip();
            String importToken = importHeader.substring(importHeader.lastIndexOf(' ') + 1);
            assertThat(s3Secret).hasSizeGreaterThanOrEqualTo(32).isNotEqualTo("callrec-secret");
            for (String f : List.of("s3-secret-key", "import-authorization.header", "import-credentials")) {
                assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(runDir.resolve(f)))).as(f).isEqualTo("rw-------");
            }
            assertThat(Files.readString(runDir.resolve("import-credentials"))).as("the service's file holds a hash")
                    .doesNotContain(importToken).contains("sha256:");
            try (Stream<Path> pidFiles = Files.list(runDir)) {
                for (Path pidFile : pidFiles.filter(f -> f.toString().endsWith(".pid")).toList()) {
                    String cmdline = Files.readString(Path.of("/proc", Files.readString(pidFile).strip(), "cmdline"))
                            .replace('\0', ' ');
                    assertThat(cmdline).as("%s command line", pidFile.getFileName()).doesNotContain(s3Secret, importToken);
                }
            }

            // 4. storage's import: refused without the credential, accepted with the run's (the
            //    body is no phone file, so it ends at 400 invalid-file: past the credential).
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.net.URI imports = java.net.URI.create("http://127.0.0.1:" + storageHttp + "/api/v1/imports");
            java.net.http.HttpResponse<String> anonymous = http.send(java.net.http.HttpRequest.newBuilder(imports)
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(new byte[64])).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).as(anonymous.body()).isEqualTo(401);
            java.net.http.HttpResponse<String> known = http.send(java.net.http.HttpRequest.newBuilder(imports)
                    .header("Authorization", "Bearer " + importToken)
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(new byte[64])).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(known.statusCode()).as(known.body()).isEqualTo(400);
            assertThat(known.body()).contains("invalid-file");
            secrets.add(s3Secret);
            secrets.add(importToken);

            // 4b. The catalog answers the operator key run.sh printed (and no other), and a
            //     newcomer's phones recorded into the seeded default tenant (step 5).
            String operatorKey = Files.readString(runDir.resolve("operator-key")).strip();
            assertThat(read(output)).contains("Operator key: " + operatorKey);
            CatalogApi catalog = new CatalogApi(catalogHttp, operatorKey);
            CatalogApi.Answer tenants = catalog.get("/api/v1/tenants");
            assertThat(tenants.status()).as(tenants.body()).isEqualTo(200);
            assertThat(tenants.body()).contains("\"default\"");
            assertThat(catalog.as("wrong-" + operatorKey).get("/api/v1/tenants").status()).isEqualTo(401);
            String postgresPassword = Files.readString(state.resolve("data/postgres-password")).strip();
            secrets.add(postgresPassword);
            operatorKeys.add(operatorKey);

            // 5. Their WAV and JSON objects appear in the bucket.
            try (MinioClient s3Client = MinioClient.builder().endpoint("http://127.0.0.1:" + s3)
                    .credentials("callrec", s3Secret).build()) {
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(keys(s3Client))
                        .filteredOn(k -> k.startsWith("default/") && k.endsWith(".wav")).hasSize(2));
                assertThat(keys(s3Client)).filteredOn(k -> k.endsWith(".json")).hasSize(2);
            }

            // 5b. The catalog is not on the call path: killed, the run goes on and phones record.
            long catalogPid = Long.parseLong(Files.readString(state.resolve("run/catalog.pid")).strip());
            ProcessHandle.of(catalogPid).ifPresent(ProcessHandle::destroyForcibly);
            await().atMost(Duration.ofSeconds(30)).until(() -> read(output).contains("catalog stopped"));
            Process afterCatalog = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", root.resolve("phone-simulator/target/phone-simulator.jar").toString(),
                    "--control", "127.0.0.1:" + control, "--phones", "1", "--duration", "1s", "--quiet")
                    .redirectErrorStream(true).start();
            String afterOut = new String(afterCatalog.getInputStream().readAllBytes());
            assertThat(afterCatalog.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(afterCatalog.exitValue()).as(afterOut).isZero();
            assertThat(run.isAlive()).as(read(output)).isTrue();
        } finally {
            // 6. SIGTERM stops every service and the script itself, cleanly.
            run.destroy();
            boolean exited = run.waitFor(90, TimeUnit.SECONDS);
            if (!exited) {
                run.destroyForcibly();
            }
            assertThat(exited).as("run.sh stopped within 90 s").isTrue();
        }
        assertThat(run.exitValue()).as(read(output)).isZero();
        assertThat(read(output)).contains("Stopped.");
        try (Stream<Path> pids = Files.list(state.resolve("run"))) {
            assertThat(pids).as("no pid file or secret left behind").isEmpty();
        }
        // No secret in run.sh's output or any service's log.
        assertThat(secrets).hasSize(3);
        assertThat(operatorKeys).hasSize(1);
        try (Stream<Path> logs = Files.list(state.resolve("logs"))) {
            for (Path log : logs.toList()) {
                assertThat(Files.readString(log)).as("%s", log.getFileName()).doesNotContain(secrets.toArray(String[]::new));
            }
        }
        assertThat(read(output)).doesNotContain(secrets.toArray(String[]::new));
        // the operator key is printed by run.sh on purpose, but written by no service
        try (Stream<Path> logs = Files.list(state.resolve("logs"))) {
            for (Path log : logs.toList()) {
                assertThat(Files.readString(log)).as("%s", log.getFileName()).doesNotContain(operatorKeys.get(0));
            }
        }
    }

    private static List<String> keys(MinioClient s3) throws Exception {
        List<String> keys = new java.util.ArrayList<>();
        for (Result<Item> r : s3.listObjects(ListObjectsArgs.builder().bucket("recordings").recursive(true).build())) {
            keys.add(r.get().objectName());
        }
        return keys;
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "";
    }
}
