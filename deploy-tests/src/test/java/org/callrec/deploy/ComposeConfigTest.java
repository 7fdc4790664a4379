package org.callrec.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.callrec.control.config.ControlConfig;
import org.callrec.ingest.config.IngestConfig;
import org.callrec.storage.config.StorageConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("docker-compose.yml")
class ComposeConfigTest {

    private static final Map<String, ServiceConfig> SERVICES = Map.of(
            "control", ServiceConfig.CONTROL, "ingest", ServiceConfig.INGEST, "storage", ServiceConfig.STORAGE,
            "catalog", ServiceConfig.CATALOG);

    private final ComposeFile compose = ComposeFile.load();

    @Test
    @DisplayName("the real keys are derived from the services' config mappings and application.properties")
    void realKeysComeFromTheServices() {
        // a key of each mapping, nested and Optional ones included, and the Kafka client key from the properties
        assertThat(ServiceConfig.INGEST.envNames()).contains("INGEST_ADVERTISED_ADDRESS", "INGEST_PORTS_MIN",
                "INGEST_PORTS_RECEIVE_BUFFER_BYTES", "INGEST_NODE_ID", "KAFKA_BOOTSTRAP_SERVERS", "QUARKUS_HTTP_PORT");
        assertThat(ServiceConfig.CONTROL.envNames()).contains("CONTROL_INGEST_NODES", "CONTROL_DEFAULT_TENANT");
        assertThat(ServiceConfig.STORAGE.envNames()).contains("STORAGE_S3_ACCESS_KEY", "STORAGE_UPLOAD_RETRY_MAX_ATTEMPTS");
        // the catalog's (pending until catalog-service is merged: ServiceConfig) and Quarkus' datasource keys
        assertThat(ServiceConfig.CATALOG.envNames()).contains("CATALOG_OPERATOR_KEY_FILE", "QUARKUS_DATASOURCE_JDBC_URL",
                "QUARKUS_DATASOURCE_PASSWORD", "KAFKA_BOOTSTRAP_SERVERS").doesNotContain("CATALOG_OPERATOR_KEY");
        // a misspelt key is not among them
        assertThat(ServiceConfig.INGEST.envNames()).doesNotContain("INGEST_PORT_MIN", "INGEST_ADVERTISED_ADDR");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"control", "ingest", "storage", "catalog"})
    @DisplayName("every environment variable of a service is one of its real configuration keys")
    void environmentKeysAreRealKeys(String service) {
        Set<String> known = SERVICES.get(service).envNames();

        Set<String> unknown = new TreeSet<>(compose.environment(service).keySet());
        unknown.removeAll(known);

        assertThat(unknown).as("settings of %s that %s does not read", service, SERVICES.get(service).module())
                .isEmpty();
    }

    @Test
    @DisplayName("the services read the compose settings as intended: advertised address, UDP range, nodes, S3")
    void servicesReadTheSettings() {
        Map<String, String> shell = Map.of("CALLREC_ADVERTISED_ADDRESS", "192.0.2.7", "CALLREC_S3_SECRET_KEY", "s3cr3t-s3cr3t");

        IngestConfig ingest = ServiceConfig.INGEST.read(IngestConfig.class, compose.resolvedEnvironment("ingest", shell));
        ControlConfig control = ServiceConfig.CONTROL.read(ControlConfig.class,
                compose.resolvedEnvironment("control", shell));
        StorageConfig storage = ServiceConfig.STORAGE.read(StorageConfig.class,
                compose.resolvedEnvironment("storage", shell));

        assertThat(ingest.advertisedAddress()).isEqualTo("192.0.2.7");
        assertThat(ingest.ports().min()).isEqualTo(40000);
        assertThat(ingest.ports().max()).isEqualTo(40049);
        assertThat(control.ingest().nodes()).containsExactly("http://ingest:8082");
        assertThat(storage.s3().endpoint()).isEqualTo("http://minio:9000");
        assertThat(storage.s3().createBucket()).as("minio-init creates the bucket").isFalse();
        assertThat(storage.s3().secretKey()).contains("s3cr3t-s3cr3t");
    }

    @Test
    @DisplayName("the S3 secret has no default: compose stops with a clear message, and the development key appears nowhere")
    void s3SecretIsRequired() {
        Map<String, String> shell = Map.of("CALLREC_ADVERTISED_ADDRESS", "192.0.2.7");

        for (String service : List.of("minio", "minio-init", "storage")) {
            assertThatThrownBy(() -> compose.resolvedEnvironment(service, shell)).as(service)
                    .hasMessageContaining("CALLREC_S3_SECRET_KEY").hasMessageContaining("random secret");
        }
        assertThat(Repo.read("docker-compose.yml")).doesNotContain("callrec-secret");
    }

    @Test
    @DisplayName("ingest and control read the internal token from the file the internal-token step makes, mounted read-only")
    void internalTokenFile() {
        String file = compose.environment("internal-token").get("TOKEN_FILE");

        assertThat(file).isEqualTo("/etc/callrec/internal-token/token");
        assertThat(compose.environment("ingest")).containsEntry("INGEST_API_TOKEN_FILE", file);
        assertThat(compose.environment("control")).containsEntry("CONTROL_INGEST_TOKEN_FILE", file);
        for (String service : List.of("ingest", "control")) {
            assertThat(compose.service(service).get("volumes").toString()).as(service)
                    .contains("internal-token:/etc/callrec/internal-token:ro");
            assertThat(compose.service(service).get("depends_on").toString()).as(service).contains("internal-token");
        }
        assertThat(compose.service("internal-token").get("volumes").toString())
                .contains("internal-token:/etc/callrec/internal-token");
        // the token itself is in no environment
        compose.services().keySet().forEach(service -> assertThat(compose.environment(service).keySet())
                .as(service).noneMatch(k -> k.contains("TOKEN") && !k.endsWith("_FILE")));
    }

    @Test
    @DisplayName("the internal-token step makes a random token once, readable by user 185 only, and keeps it on later runs")
    void internalTokenStep(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "chown to 185 needs root (CI runs as root)");
        @SuppressWarnings("unchecked")
        String script = ComposeFile.interpolate(((List<String>) compose.service("internal-token").get("command")).get(0),
                Map.of());
        Path token = dir.resolve("token");

        String first = runStep(script, token);
        String second = runStep(script, token);

        assertThat(first).matches("[0-9a-f]{64}");
        assertThat(second).as("kept across runs").isEqualTo(first);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(token))).isEqualTo("r--------");
        assertThat(Files.getAttribute(token, "unix:uid")).isEqualTo(185);
        Files.delete(token);
        assertThat(runStep(script, token)).as("a new volume gets a new token").matches("[0-9a-f]{64}")
                .isNotEqualTo(first);
    }

    private static String runStep(String script, Path token) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true);
        builder.environment().put("TOKEN_FILE", token.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return Files.readString(token);
    }

    @Test
    @DisplayName("every service gets the same Kafka client settings (control and storage read the catalog's registry)")
    void kafkaClientSettingsReachEveryService() {
        Map<String, String> ingest = kafkaSettings("ingest");

        assertThat(ingest).containsEntry("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092");
        for (String service : List.of("storage", "control", "catalog")) {
            assertThat(kafkaSettings(service)).as(service).isEqualTo(ingest);
        }
    }

    @Test
    @DisplayName("PostgreSQL: postgres:17 on a named volume, health-checked with pg_isready, its password required, not published")
    void postgres() {
        Map<String, Object> postgres = compose.service("postgres");

        assertThat(postgres.get("image")).isEqualTo("postgres:17");
        assertThat(postgres.get("volumes").toString()).contains("postgres-data:/var/lib/postgresql/data");
        assertThat(((Map<?, ?>) compose.root().get("volumes")).keySet()).anyMatch("postgres-data"::equals);
        assertThat(postgres.get("healthcheck").toString()).contains("pg_isready");
        assertThat(postgres).doesNotContainKey("ports");
        assertThat(compose.environment("postgres")).containsEntry("POSTGRES_DB", "callrec");
        // no well-known default password: compose stops with a clear message without one
        Map<String, String> shell = Map.of("CALLREC_ADVERTISED_ADDRESS", "192.0.2.7", "CALLREC_S3_SECRET_KEY",
                "s3cr3t-s3cr3t", "CALLREC_OPERATOR_KEY", "0123456789abcdef0123");
        for (String service : List.of("postgres", "catalog")) {
            assertThatThrownBy(() -> compose.resolvedEnvironment(service, shell)).as(service)
                    .hasMessageContaining("CALLREC_POSTGRES_PASSWORD").hasMessageContaining("random secret");
        }
    }

    @Test
    @DisplayName("the catalog: waits for a healthy PostgreSQL and Kafka, reaches the database with postgres' own user and password and the bucket with storage's credentials")
    void catalog() {
        Map<String, String> shell = Map.of("CALLREC_POSTGRES_PASSWORD", "pg-s3cr3t", "CALLREC_OPERATOR_KEY",
                "0123456789abcdef0123", "CALLREC_S3_SECRET_KEY", "s3cr3t-s3cr3t");
        Map<String, String> catalog = compose.resolvedEnvironment("catalog", shell);
        Map<String, String> storage = compose.resolvedEnvironment("storage", shell);
        // the recordings' bucket as storage sees it, and a browser-reachable address for presigned URLs
        for (String part : List.of("ENDPOINT", "BUCKET", "ACCESS_KEY", "SECRET_KEY")) {
            assertThat(catalog.get("CATALOG_S3_" + part)).as(part).isNotNull().isEqualTo(storage.get("STORAGE_S3_" + part));
        }
        assertThat(catalog).containsEntry("CATALOG_S3_PUBLIC_ENDPOINT", "http://127.0.0.1:9000");
        Map<String, String> postgres = compose.resolvedEnvironment("postgres", shell);

        assertThat(dependsOn("catalog")).contains("postgres", "kafka", "operator-key");
        assertThat(catalog).containsEntry("QUARKUS_DATASOURCE_JDBC_URL",
                "jdbc:postgresql://postgres:5432/" + postgres.get("POSTGRES_DB"));
        assertThat(catalog.get("QUARKUS_DATASOURCE_USERNAME")).isEqualTo(postgres.get("POSTGRES_USER")).isEqualTo("callrec");
        assertThat(catalog.get("QUARKUS_DATASOURCE_PASSWORD")).isEqualTo(postgres.get("POSTGRES_PASSWORD"))
                .isEqualTo("pg-s3cr3t");
        // the admin API on 8084 of this host only, unless opened; management on 127.0.0.1:9084
        assertThat(ports("catalog").stream().map(p -> ComposeFile.interpolate(p, shell)))
                .containsExactlyInAnyOrder("127.0.0.1:8084:8084", "127.0.0.1:9084:9084");
        // control records on without the catalog: it depends on Kafka, not on the catalog or PostgreSQL
        assertThat(dependsOn("control")).contains("kafka")
                .doesNotContain("catalog", "postgres");
        assertThat(compose.resolvedEnvironment("control", shell)).containsEntry("CONTROL_TENANTS_UNKNOWN_DEVICES", "default");
    }

    @Test
    @DisplayName("the catalog reads the operator key's hash from the file the operator-key step writes, mounted read-only")
    void operatorKeyFile() {
        String file = compose.environment("operator-key").get("KEY_FILE");

        assertThat(file).isEqualTo("/etc/callrec/operator-key/operator-key");
        assertThat(compose.environment("catalog")).containsEntry("CATALOG_OPERATOR_KEY_FILE", file)
                .doesNotContainKey("CATALOG_OPERATOR_KEY");
        assertThat(compose.service("catalog").get("volumes").toString())
                .contains("operator-key:/etc/callrec/operator-key:ro");
        assertThatThrownBy(() -> compose.resolvedEnvironment("operator-key", Map.of()))
                .hasMessageContaining("CALLREC_OPERATOR_KEY").hasMessageContaining("random key");
    }

    @Test
    @DisplayName("the operator-key step writes sha256:<hex> of the key, readable by user 185 only, and follows a changed key")
    void operatorKeyStep(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "chown to 185 needs root (CI runs as root)");
        @SuppressWarnings("unchecked")
        String script = ComposeFile.interpolate(((List<String>) compose.service("operator-key").get("command")).get(0),
                Map.of());
        Path file = dir.resolve("operator-key");

        String first = runOperatorKeyStep(script, file, "cr_op_0123456789abcdef");
        String second = runOperatorKeyStep(script, file, "cr_op_fedcba9876543210");

        // sha256("cr_op_0123456789abcdef"), as the catalog's key file accepts it
        assertThat(first).isEqualTo("sha256:" + sha256Hex("cr_op_0123456789abcdef") + "\n");
        assertThat(second).isEqualTo("sha256:" + sha256Hex("cr_op_fedcba9876543210") + "\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("r--------");
        assertThat(Files.getAttribute(file, "unix:uid")).isEqualTo(185);
    }

    private List<String> dependsOn(String service) {
        return ((Map<?, ?>) compose.service(service).get("depends_on")).keySet().stream().map(String::valueOf).toList();
    }

    private static String runOperatorKeyStep(String script, Path file, String key) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true);
        builder.environment().put("KEY_FILE", file.toString());
        builder.environment().put("OPERATOR_KEY", key);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return Files.readString(file);
    }

    private static String sha256Hex(String text) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    private Map<String, String> kafkaSettings(String service) {
        Map<String, String> kafka = new TreeMap<>(compose.environment(service));
        kafka.keySet().removeIf(key -> !key.startsWith("KAFKA_"));
        return kafka;
    }

    @Test
    @DisplayName("the advertised address must be given: compose stops with a clear message")
    void advertisedAddressIsRequired() {
        assertThatThrownBy(() -> compose.resolvedEnvironment("ingest", Map.of("CALLREC_S3_SECRET_KEY", "s3cr3t-s3cr3t")))
                .hasMessageContaining("CALLREC_ADVERTISED_ADDRESS")
                .hasMessageContaining("LAN address");
    }

    @Test
    @DisplayName("the published UDP range is exactly ingest's port pool, for any range chosen")
    void publishedRangeIsThePool() {
        Map<String, String> shell = Map.of("CALLREC_ADVERTISED_ADDRESS", "192.0.2.7", "CALLREC_S3_SECRET_KEY", "s3cr3t-s3cr3t",
                "CALLREC_UDP_PORT_MIN", "41000", "CALLREC_UDP_PORT_MAX", "41019");
        Map<String, String> env = compose.resolvedEnvironment("ingest", shell);

        List<String> udp = ports("ingest").stream().filter(p -> p.endsWith("/udp"))
                .map(p -> ComposeFile.interpolate(p, shell)).toList();

        assertThat(udp).containsExactly("41000-41019:41000-41019/udp");
        assertThat(env).containsEntry("INGEST_PORTS_MIN", "41000").containsEntry("INGEST_PORTS_MAX", "41019");
        assertThat(ports("ingest")).as("ingest's internal API is not published").noneMatch(p -> p.contains("8082"));
    }

    @Test
    @DisplayName("every long-running service has a health check, and every dependency waits for health or completion")
    void healthChecksAndConditions() {
        // one-shot steps (restart "no") run to completion; everything else runs on and is health-checked
        Set<String> oneShots = new TreeSet<>();
        compose.services().forEach((name, service) -> {
            if ("no".equals(service.get("restart"))) {
                oneShots.add(name);
            }
        });
        assertThat(oneShots).containsExactlyInAnyOrder("minio-init", "internal-token", "operator-key");
        compose.services().forEach((name, service) -> {
            if (!oneShots.contains(name)) {
                assertThat(service).as("health check of %s", name).containsKey("healthcheck");
            }
            Object dependsOn = service.get("depends_on");
            if (dependsOn != null) {
                assertThat(dependsOn).as("depends_on of %s is a map with conditions", name).isInstanceOf(Map.class);
                ((Map<?, ?>) dependsOn).forEach((dependency, spec) -> {
                    String expected = oneShots.contains(dependency) ? "service_completed_successfully"
                            : "service_healthy";
                    assertThat(((Map<?, ?>) spec).get("condition")).as("%s waits for %s", name, dependency)
                            .isEqualTo(expected);
                });
            }
        });
        assertThat(compose.service("storage").get("depends_on").toString()).contains("kafka", "minio-init");
        assertThat(compose.service("control").get("depends_on").toString()).contains("ingest", "kafka");
        assertThat(compose.service("catalog").get("depends_on").toString()).contains("postgres", "kafka");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"control, control-service, 9081", "ingest, media-ingest-service, 9082",
            "storage, storage-service, 9083", "catalog, catalog-service, 9084"})
    @DisplayName("each service is built from its Dockerfile, which exposes the management port its health check reads")
    void builtFromDockerfile(String service, String module, int managementPort) throws Exception {
        Map<?, ?> build = (Map<?, ?>) compose.service(service).get("build");
        assertThat(build.get("context")).isEqualTo("./" + module);
        Path file = Repo.path(module + "/" + build.get("dockerfile"));
        // catalog-service is written on its own branch (issue 12): its Dockerfile is checked once it is merged
        Assumptions.assumeTrue(Files.exists(file), module + " has no Dockerfile on this branch yet");
        String dockerfile = Files.readString(file);

        assertThat(exposed(dockerfile)).contains(managementPort + "/tcp");
        assertThat(dockerfile).contains("USER 185").contains("target/quarkus-app");
        assertThat(compose.service(service).get("healthcheck").toString())
                .contains("/dev/tcp/127.0.0.1/" + managementPort).contains("/q/health/ready");
    }

    @SuppressWarnings("unchecked")
    private List<String> ports(String service) {
        return ((List<Object>) compose.service(service).get("ports")).stream().map(String::valueOf).toList();
    }

    private static Set<String> exposed(String dockerfile) {
        Set<String> ports = new TreeSet<>();
        Matcher matcher = Pattern.compile("(?m)^EXPOSE (.+)$").matcher(dockerfile);
        while (matcher.find()) {
            ports.addAll(List.of(matcher.group(1).trim().split("\\s+")));
        }
        return ports;
    }
}
