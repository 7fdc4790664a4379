package org.callrec.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.callrec.control.config.ControlConfig;
import org.callrec.ingest.config.IngestConfig;
import org.callrec.storage.config.StorageConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
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
        Map<String, String> shell = Map.of("CALLREC_ADVERTISED_ADDRESS", "192.0.2.7",
                "CALLREC_S3_SECRET_KEY", "a-secret-of-our-own");

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
        assertThatThrownBy(() -> compose.resolvedEnvironment("ingest", Map.of()))
                .hasMessageContaining("CALLREC_ADVERTISED_ADDRESS")
                .hasMessageContaining("LAN address");
    }

    @Test
    @DisplayName("no well-known S3 secret: compose stops with a clear message unless CALLREC_S3_SECRET_KEY is given")
    void s3SecretIsRequired() {
        for (String service : List.of("minio", "minio-init", "storage")) {
            assertThatThrownBy(() -> compose.resolvedEnvironment(service, Map.of("CALLREC_ADVERTISED_ADDRESS", "192.0.2.7")))
                    .as(service).hasMessageContaining("CALLREC_S3_SECRET_KEY").hasMessageContaining("of your own");
        }
        assertThat(compose.resolvedEnvironment("storage", Map.of("CALLREC_S3_SECRET_KEY", "a-secret-of-our-own")))
                .containsEntry("STORAGE_S3_SECRET_KEY", "a-secret-of-our-own");
    }

    @Test
    @DisplayName("the published UDP range is exactly ingest's port pool, for any range chosen")
    void publishedRangeIsThePool() {
        Map<String, String> shell = Map.of("CALLREC_ADVERTISED_ADDRESS", "192.0.2.7",
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
        compose.services().forEach((name, service) -> {
            if (!name.equals("minio-init")) {
                assertThat(service).as("health check of %s", name).containsKey("healthcheck");
            }
            Object dependsOn = service.get("depends_on");
            if (dependsOn != null) {
                assertThat(dependsOn).as("depends_on of %s is a map with conditions", name).isInstanceOf(Map.class);
                ((Map<?, ?>) dependsOn).forEach((dependency, spec) -> {
                    String expected = dependency.equals("minio-init") ? "service_completed_successfully"
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
