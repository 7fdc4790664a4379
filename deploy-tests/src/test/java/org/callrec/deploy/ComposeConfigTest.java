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
            "control", ServiceConfig.CONTROL, "ingest", ServiceConfig.INGEST, "storage", ServiceConfig.STORAGE);

    private final ComposeFile compose = ComposeFile.load();

    @Test
    @DisplayName("the real keys are derived from the services' config mappings and application.properties")
    void realKeysComeFromTheServices() {
        // a key of each mapping, nested and Optional ones included, and the Kafka client key from the properties
        assertThat(ServiceConfig.INGEST.envNames()).contains("INGEST_ADVERTISED_ADDRESS", "INGEST_PORTS_MIN",
                "INGEST_PORTS_RECEIVE_BUFFER_BYTES", "INGEST_NODE_ID", "KAFKA_BOOTSTRAP_SERVERS", "QUARKUS_HTTP_PORT");
        assertThat(ServiceConfig.CONTROL.envNames()).contains("CONTROL_INGEST_NODES", "CONTROL_DEFAULT_TENANT");
        assertThat(ServiceConfig.STORAGE.envNames()).contains("STORAGE_S3_ACCESS_KEY", "STORAGE_UPLOAD_RETRY_MAX_ATTEMPTS");
        // a misspelt key is not among them
        assertThat(ServiceConfig.INGEST.envNames()).doesNotContain("INGEST_PORT_MIN", "INGEST_ADVERTISED_ADDR");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"control", "ingest", "storage"})
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
    @DisplayName("ingest and storage get the same Kafka client settings; control, which uses no Kafka, none")
    void kafkaClientSettingsReachBothKafkaServices() {
        Map<String, String> ingest = kafkaSettings("ingest");

        assertThat(ingest).containsEntry("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092");
        assertThat(kafkaSettings("storage")).isEqualTo(ingest);
        assertThat(kafkaSettings("control")).isEmpty();
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
        assertThat(oneShots).containsExactlyInAnyOrder("minio-init", "internal-token");
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
        assertThat(compose.service("control").get("depends_on").toString()).contains("ingest");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"control, control-service, 9081", "ingest, media-ingest-service, 9082",
            "storage, storage-service, 9083"})
    @DisplayName("each service is built from its Dockerfile, which exposes the management port its health check reads")
    void builtFromDockerfile(String service, String module, int managementPort) throws Exception {
        Map<?, ?> build = (Map<?, ?>) compose.service(service).get("build");
        assertThat(build.get("context")).isEqualTo("./" + module);
        String dockerfile = Files.readString(Repo.path(module + "/" + build.get("dockerfile")));

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
