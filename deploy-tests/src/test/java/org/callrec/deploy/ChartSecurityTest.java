package org.callrec.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;

/**
 * The chart's side of issue 10 ("lock the doors"): NetworkPolicies on by default, the internal
 * API's bearer token and TLS, storage's import credentials, the S3 CA and SSE, and the guard on a
 * public phone port. Docs: docs/SECURITY.md.
 */
@DisplayName("Helm chart helm/callrec: locked doors")
class ChartSecurityTest {

    private static final String K8S = Helm.CHART + "/ci/k8s-values.yaml";
    private static final String HOST_NETWORK = Helm.CHART + "/ci/hostnetwork-values.yaml";
    private static final String CLUSTER_IP = Helm.CHART + "/ci/clusterip-values.yaml";
    private static final String PER_POD = Helm.CHART + "/ci/perpodaddress-values.yaml";
    private static final String TOKEN_DIR = "/etc/callrec/internal-token";

    private static Helm helm;

    @BeforeAll
    static void helm() {
        helm = Helm.require();
    }

    private static Rendered render(String file, String... sets) {
        return Rendered.of(helm.render(Helm.values(file, sets)));
    }

    @Nested
    @DisplayName("NetworkPolicies, with the default values")
    class DefaultPolicies {

        private final Rendered rendered = render(K8S);

        @Test
        @DisplayName("one per component, selecting exactly its pods, ingress only, every rule bound to ports")
        void onePerComponent() {
            assertThat(rendered.all(NetworkPolicy.class).map(p -> p.getMetadata().getName()))
                    .containsExactlyInAnyOrder("callrec-control", "callrec-ingest", "callrec-storage", "callrec-catalog");
            rendered.podTemplates().forEach((workload, template) -> {
                NetworkPolicy policy = rendered.get(NetworkPolicy.class, workload);
                assertThat(template.getMetadata().getLabels())
                        .containsAllEntriesOf(policy.getSpec().getPodSelector().getMatchLabels());
                assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
                // a rule without ports would open every port of the pod to its peers
                assertThat(policy.getSpec().getIngress()).allSatisfy(rule -> assertThat(rule.getPorts()).isNotEmpty());
            });
        }

        @Test
        @DisplayName("ingest's internal API admits only control-service's pods")
        void ingestApiOnlyFromControl() {
            NetworkPolicyIngressRule api = rule("callrec-ingest", 8082, "TCP");

            assertThat(api.getFrom()).singleElement().satisfies(peer -> {
                assertThat(peer.getIpBlock()).isNull();
                assertThat(peer.getNamespaceSelector()).as("same namespace only").isNull();
                assertThat(peer.getPodSelector().getMatchLabels())
                        .isEqualTo(rendered.control().getSpec().getSelector().getMatchLabels());
            });
        }

        @Test
        @DisplayName("the phone port and the whole UDP media range are open to any source; nothing else is")
        void phonesAndMediaFromAnywhere() {
            NetworkPolicyIngressRule phones = rule("callrec-control", 10000, "TCP");
            NetworkPolicyIngressRule media = rule("callrec-ingest", 40000, "UDP");

            assertThat(phones.getFrom()).as("no from: any source").isEmpty();
            assertThat(media.getFrom()).isEmpty();
            assertThat(media.getPorts()).singleElement().satisfies(p -> assertThat(p.getEndPort()).isEqualTo(49999));
            // control's HTTP port 8081 serves no one
            assertThat(ports("callrec-control")).containsExactlyInAnyOrder("10000/TCP", "9081/TCP");
            assertThat(ports("callrec-ingest")).containsExactlyInAnyOrder("8082/TCP", "40000/UDP", "9082/TCP");
        }

        @Test
        @DisplayName("the catalog's admin API is open to any source (every call needs a key); nothing else but management is")
        void catalogApiFromAnywhere() {
            assertThat(rule("callrec-catalog", 8084, "TCP").getFrom()).as("no from: any source").isEmpty();
            assertThat(ports("callrec-catalog")).containsExactlyInAnyOrder("8084/TCP", "9084/TCP");
        }

        @Test
        @DisplayName("storage's import port admits no one until importers are named")
        void importClosed() {
            assertThat(ports("callrec-storage")).containsExactly("9083/TCP");
        }

        @Test
        @DisplayName("management ports admit only the monitoring namespace")
        void managementFromMonitoring() {
            for (var entry : Map.of("callrec-control", 9081, "callrec-ingest", 9082, "callrec-storage", 9083,
                    "callrec-catalog", 9084).entrySet()) {
                assertThat(rule(entry.getKey(), entry.getValue(), "TCP").getFrom()).as(entry.getKey()).singleElement()
                        .satisfies(peer -> {
                            assertThat(peer.getNamespaceSelector().getMatchLabels())
                                    .containsExactly(Map.entry("kubernetes.io/metadata.name", "monitoring"));
                            assertThat(peer.getPodSelector().getMatchLabels()).isNullOrEmpty();
                        });
            }
        }

        private NetworkPolicyIngressRule rule(String policy, int port, String protocol) {
            return rendered.get(NetworkPolicy.class, policy).getSpec().getIngress().stream()
                    .filter(r -> r.getPorts().stream().anyMatch(p -> p.getPort().getIntVal() == port
                            && p.getProtocol().equals(protocol)))
                    .findFirst().orElseThrow(() -> new AssertionError("no rule for " + port + "/" + protocol));
        }

        private List<String> ports(String policy) {
            return ChartSecurityTest.ports(rendered.get(NetworkPolicy.class, policy));
        }
    }

    @Test
    @DisplayName("values open each door: phones' and media CIDRs, named importers, a Prometheus selector; TLS moves the API to 8443")
    void policiesFollowTheValues() {
        Rendered rendered = render(HOST_NETWORK);
        NetworkPolicy control = rendered.get(NetworkPolicy.class, "callrec-control");
        NetworkPolicy ingest = rendered.get(NetworkPolicy.class, "callrec-ingest");
        NetworkPolicy storage = rendered.get(NetworkPolicy.class, "callrec-storage");

        assertThat(peers(control, 10000)).extracting(p -> p.getIpBlock().getCidr()).containsExactly("10.20.0.0/16");
        assertThat(peers(ingest, 40000)).extracting(p -> p.getIpBlock().getCidr()).containsExactly("10.20.0.0/16");
        assertThat(peers(storage, 8083)).singleElement().satisfies(p -> assertThat(
                p.getNamespaceSelector().getMatchLabels()).containsEntry("kubernetes.io/metadata.name", "phone-files"));
        assertThat(peers(storage, 9083)).singleElement().satisfies(p -> assertThat(p.getPodSelector().getMatchLabels())
                .containsEntry("app.kubernetes.io/name", "prometheus"));
        // with TLS control calls 8443; plain 8082 is left to the pod's own preStop hook (loopback)
        assertThat(ports(ingest)).contains("8443/TCP").doesNotContain("8082/TCP");
    }

    @Nested
    @DisplayName("the catalog: external database and operator key from Secrets")
    class Catalog {

        @Test
        @DisplayName("the JDBC URL is in the ConfigMap, user and password come from the database Secret with its key names")
        void databaseFromSecret() {
            Rendered rendered = render(CLUSTER_IP);
            Container catalog = Rendered.container(rendered.catalog().getSpec().getTemplate());

            assertThat(rendered.configMap("callrec-catalog"))
                    .containsEntry("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://pg-rw.db.svc:5432/callrec")
                    .doesNotContainKeys("QUARKUS_DATASOURCE_USERNAME", "QUARKUS_DATASOURCE_PASSWORD");
            for (var entry : Map.of("QUARKUS_DATASOURCE_USERNAME", "user", "QUARKUS_DATASOURCE_PASSWORD", "pass").entrySet()) {
                EnvVar var = catalog.getEnv().stream().filter(e -> e.getName().equals(entry.getKey())).findFirst()
                        .orElseThrow();
                assertThat(var.getValue()).as(entry.getKey()).isNull();
                assertThat(var.getValueFrom().getSecretKeyRef().getName()).isEqualTo("callrec-db");
                assertThat(var.getValueFrom().getSecretKeyRef().getKey()).isEqualTo(entry.getValue());
            }
            assertThat(rendered.catalog().getSpec().getReplicas()).isEqualTo(2);
            // the chart runs no database and makes no Secret for it
            assertThat(rendered.all(Secret.class)).isEmpty();
            assertThat(rendered.documents()).noneMatch(d -> d.kind().equals("StatefulSet") && d.name().contains("postgres"));
        }

        @Test
        @DisplayName("the operator key is a file mounted read-only from its Secret, named operator-key whatever the key")
        void operatorKeyFile() {
            PodTemplateSpec template = render(CLUSTER_IP).catalog().getSpec().getTemplate();
            Container catalog = Rendered.container(template);

            assertThat(env(catalog, "CATALOG_OPERATOR_KEY_FILE")).isEqualTo("/etc/callrec/operator-key/operator-key");
            assertThat(catalog.getVolumeMounts()).anySatisfy(m -> {
                assertThat(m.getMountPath()).isEqualTo("/etc/callrec/operator-key");
                assertThat(m.getReadOnly()).isTrue();
                assertThat(m.getSubPath()).as("no subPath: a rotated Secret reaches the file").isNull();
            });
            Volume volume = volume(template, "operator-key").orElseThrow();
            assertThat(volume.getSecret().getSecretName()).isEqualTo("callrec-admin");
            assertThat(volume.getSecret().getItems()).extracting(KeyToPath::getKey, KeyToPath::getPath)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("keys", "operator-key"));
            assertThat(catalog.getEnv()).noneMatch(e -> e.getName().contains("KEY") && !e.getName().endsWith("_FILE")
                    && e.getValue() != null);
        }

        @Test
        @DisplayName("networkPolicy.catalogApiFrom narrows the admin API to its peers")
        void apiPeers() {
            NetworkPolicy catalog = render(HOST_NETWORK).get(NetworkPolicy.class, "callrec-catalog");

            assertThat(peers(catalog, 8084)).singleElement().satisfies(p -> assertThat(
                    p.getNamespaceSelector().getMatchLabels()).containsEntry("kubernetes.io/metadata.name", "ingress-nginx"));
        }

        @Test
        @DisplayName("catalog.enabled=false renders no catalog object and needs no database")
        void disabled() {
            Rendered rendered = render(K8S, "catalog.enabled=false", "catalog.database.url=",
                    "catalog.database.existingSecret=", "catalog.operatorKey.existingSecret=");

            assertThat(rendered.documents()).noneMatch(d -> d.name().contains("catalog"));
            assertThat(rendered.podTemplates()).doesNotContainKey("callrec-catalog");
        }

        @Test
        @DisplayName("control gets the unknown-device policy (default: the default tenant) and the registry's Kafka")
        void controlTenants() {
            assertThat(render(K8S).configMap("callrec-control")).containsEntry("CONTROL_TENANTS_UNKNOWN_DEVICES", "default")
                    .containsEntry("KAFKA_BOOTSTRAP_SERVERS", "kafka-bootstrap.kafka.svc:9092");
            assertThat(render(CLUSTER_IP).configMap("callrec-control"))
                    .containsEntry("CONTROL_TENANTS_UNKNOWN_DEVICES", "refuse");
            assertThat(render(K8S).configMap("callrec-storage"))
                    .containsEntry("KAFKA_BOOTSTRAP_SERVERS", "kafka-bootstrap.kafka.svc:9092");
        }
    }

    @Test
    @DisplayName("networkPolicy.enabled=false renders none")
    void policiesCanBeDisabled() {
        assertThat(render(CLUSTER_IP).all(NetworkPolicy.class)).isEmpty();
    }

    @Test
    @DisplayName("a public LoadBalancer without source ranges renders once acknowledged; NodePort and ClusterIP need no acknowledgement")
    void publicLoadBalancerAcknowledged() {
        // refused without the acknowledgement: ChartTest.guards
        Rendered open = render(K8S, "control.service.loadBalancerSourceRanges=null",
                "control.service.allowPublicWithoutSourceRanges=true");
        Rendered ranged = render(K8S);

        assertThat(open.service("callrec-control").getSpec().getLoadBalancerSourceRanges()).isEmpty();
        assertThat(ranged.service("callrec-control").getSpec().getLoadBalancerSourceRanges())
                .containsExactly("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16");
        assertThat(render(PER_POD).service("callrec-control").getSpec().getType()).isEqualTo("NodePort");
        assertThat(render(CLUSTER_IP).service("callrec-control").getSpec().getType()).isEqualTo("ClusterIP");
    }

    @Nested
    @DisplayName("the internal API's bearer token")
    class InternalToken {

        @Test
        @DisplayName("without an existing Secret the chart creates one with a random token, different on every fresh render")
        void createdWhenNoneGiven() {
            String first = token(render(K8S, "internalToken.existingSecret="));
            String second = token(render(K8S, "internalToken.existingSecret="));

            assertThat(first).matches("[A-Za-z0-9]{48}");
            assertThat(second).matches("[A-Za-z0-9]{48}").isNotEqualTo(first);
        }

        @Test
        @DisplayName("control and ingest read the same file, mounted read-only from that Secret")
        void mountedInControlAndIngest() {
            Rendered rendered = render(K8S, "internalToken.existingSecret=");

            assertTokenMounted(rendered.control().getSpec().getTemplate(), "CONTROL_INGEST_TOKEN_FILE",
                    "callrec-internal-token", "token");
            assertTokenMounted(rendered.ingest().getSpec().getTemplate(), "INGEST_API_TOKEN_FILE",
                    "callrec-internal-token", "token");
            // storage calls no internal API: it gets no token
            assertThat(volume(rendered.storage().getSpec().getTemplate(), "internal-token")).isEmpty();
        }

        @Test
        @DisplayName("with an existing Secret the chart creates none and mounts that Secret's key as the same file")
        void existingSecretUsed() {
            Rendered rendered = render(CLUSTER_IP);

            assertThat(rendered.all(Secret.class)).isEmpty();
            assertTokenMounted(rendered.control().getSpec().getTemplate(), "CONTROL_INGEST_TOKEN_FILE",
                    "callrec-internal", "bearer");
            assertTokenMounted(rendered.ingest().getSpec().getTemplate(), "INGEST_API_TOKEN_FILE",
                    "callrec-internal", "bearer");
        }

        private static String token(Rendered rendered) {
            Secret secret = rendered.get(Secret.class, "callrec-internal-token");
            return new String(Base64.getDecoder().decode(secret.getData().get("token")), StandardCharsets.UTF_8);
        }

        private static void assertTokenMounted(PodTemplateSpec template, String envName, String secret, String key) {
            Container container = Rendered.container(template);
            assertThat(env(container, envName)).isEqualTo(TOKEN_DIR + "/token");
            assertThat(container.getVolumeMounts()).anySatisfy(m -> {
                assertThat(m.getName()).isEqualTo("internal-token");
                assertThat(m.getMountPath()).isEqualTo(TOKEN_DIR);
                assertThat(m.getReadOnly()).isTrue();
                assertThat(m.getSubPath()).as("no subPath: a rotated Secret reaches the file").isNull();
            });
            Volume volume = volume(template, "internal-token").orElseThrow();
            assertThat(volume.getSecret().getSecretName()).isEqualTo(secret);
            assertThat(volume.getSecret().getItems()).extracting(KeyToPath::getKey, KeyToPath::getPath)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(key, "token"));
            assertThat(volume.getSecret().getDefaultMode()).isEqualTo(0440);
            // the secret itself is never in the pod spec
            assertThat(container.getEnv()).noneMatch(e -> e.getName().contains("TOKEN") && !e.getName().endsWith("_FILE"));
        }
    }

    @Test
    @DisplayName("internal TLS: ingest serves HTTPS with the key only it gets, control trusts the CA only and calls https:// URLs")
    void internalTls() {
        Rendered rendered = render(HOST_NETWORK);
        Container ingest = Rendered.container(rendered.ingest().getSpec().getTemplate());
        Container control = Rendered.container(rendered.control().getSpec().getTemplate());

        assertThat(env(ingest, "QUARKUS_HTTP_SSL_PORT")).isEqualTo("8443");
        assertThat(env(ingest, "QUARKUS_HTTP_SSL_CERTIFICATE_FILES")).isEqualTo("/etc/callrec/internal-tls/tls.crt");
        assertThat(env(ingest, "QUARKUS_HTTP_SSL_CERTIFICATE_KEY_FILES")).isEqualTo("/etc/callrec/internal-tls/tls.key");
        assertThat(ingest.getPorts()).anySatisfy(p -> {
            assertThat(p.getName()).isEqualTo("https");
            assertThat(p.getContainerPort()).isEqualTo(8443);
        });
        assertThat(rendered.service("callrec-ingest").getSpec().getPorts()).anySatisfy(p -> {
            assertThat(p.getPort()).isEqualTo(8443);
            assertThat(p.getTargetPort()).isEqualTo(new IntOrString("https"));
        });
        assertThat(env(control, "CONTROL_INGEST_TRUST_FILE")).isEqualTo("/etc/callrec/internal-tls/ca.crt");
        assertThat(rendered.configMap("callrec-control").get("CONTROL_INGEST_NODES").split(",")).containsExactly(
                "https://callrec-ingest-0.callrec-ingest.callrec.svc.cluster.local:8443",
                "https://callrec-ingest-1.callrec-ingest.callrec.svc.cluster.local:8443");
        assertThat(tlsItems(rendered.ingest().getSpec().getTemplate())).containsExactly("tls.crt", "tls.key");
        assertThat(tlsItems(rendered.control().getSpec().getTemplate())).as("control never gets the private key")
                .containsExactly("ca.crt");

        // without TLS: plain HTTP on 8082, no TLS setting or volume
        Rendered plain = render(K8S);
        assertThat(plain.configMap("callrec-control").get("CONTROL_INGEST_NODES"))
                .isEqualTo("http://callrec-ingest-0.callrec-ingest.callrec.svc.cluster.local:8082");
        assertThat(Rendered.container(plain.ingest().getSpec().getTemplate()).getEnv())
                .noneMatch(e -> e.getName().startsWith("QUARKUS_HTTP_SSL"));
        assertThat(volume(plain.control().getSpec().getTemplate(), "internal-tls")).isEmpty();
    }

    @Test
    @DisplayName("storage's import credentials come from a mounted Secret file; without one no credentials file is set")
    void importCredentials() {
        PodTemplateSpec storage = render(HOST_NETWORK).storage().getSpec().getTemplate();
        Container container = Rendered.container(storage);

        assertThat(env(container, "STORAGE_IMPORT_CREDENTIALS_FILE")).isEqualTo("/etc/callrec/import/credentials");
        Volume volume = volume(storage, "import-credentials").orElseThrow();
        assertThat(volume.getSecret().getSecretName()).isEqualTo("callrec-import");
        assertThat(volume.getSecret().getItems()).extracting(KeyToPath::getKey).containsExactly("importers");
        assertThat(container.getVolumeMounts()).anyMatch(m -> m.getMountPath().equals("/etc/callrec/import")
                && m.getReadOnly());

        assertThat(Rendered.container(render(K8S).storage().getSpec().getTemplate()).getEnv())
                .noneMatch(e -> e.getName().equals("STORAGE_IMPORT_CREDENTIALS_FILE"));
    }

    @Test
    @DisplayName("S3: a private CA from a Secret, SSE-S3 or SSE-KMS with its key id; none of it by default")
    void s3CaAndEncryption() {
        Rendered clusterIp = render(CLUSTER_IP);
        PodTemplateSpec storage = clusterIp.storage().getSpec().getTemplate();

        assertThat(env(Rendered.container(storage), "STORAGE_S3_CA_FILE")).isEqualTo("/etc/callrec/s3-ca/ca.crt");
        assertThat(volume(storage, "s3-ca").orElseThrow().getSecret().getSecretName()).isEqualTo("callrec-s3-ca");
        assertThat(clusterIp.configMap("callrec-storage")).containsEntry("STORAGE_S3_SSE", "s3")
                .doesNotContainKey("STORAGE_S3_SSE_KMS_KEY_ID");
        assertThat(render(PER_POD).configMap("callrec-storage")).containsEntry("STORAGE_S3_SSE", "kms")
                .containsEntry("STORAGE_S3_SSE_KMS_KEY_ID", "arn:aws:kms:eu-west-1:111122223333:key/example");

        Rendered defaults = render(K8S);
        assertThat(defaults.configMap("callrec-storage")).doesNotContainKeys("STORAGE_S3_SSE", "STORAGE_S3_SSE_KMS_KEY_ID");
        assertThat(volume(defaults.storage().getSpec().getTemplate(), "s3-ca")).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.callrec.deploy.ChartTest#valuesFiles")
    @DisplayName("the prod profile everywhere, and S3 credentials only from a Secret")
    void prodProfileAndSecretCredentials(String valuesFile) {
        Rendered rendered = render(valuesFile);

        rendered.podTemplates().forEach((workload, template) -> {
            Container container = Rendered.container(template);
            assertThat(container.getEnv()).extracting(EnvVar::getName).as(workload).doesNotContain("QUARKUS_PROFILE");
            assertThat(rendered.configMap(workload)).as(workload).doesNotContainKey("QUARKUS_PROFILE")
                    .doesNotContainKeys("STORAGE_S3_ACCESS_KEY", "STORAGE_S3_SECRET_KEY");
        });
        Container storage = Rendered.container(rendered.storage().getSpec().getTemplate());
        for (String name : List.of("STORAGE_S3_ACCESS_KEY", "STORAGE_S3_SECRET_KEY")) {
            EnvVar var = storage.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst().orElseThrow();
            assertThat(var.getValue()).as(name).isNull();
            assertThat(var.getValueFrom().getSecretKeyRef()).as(name).isNotNull();
        }
    }

    private static List<NetworkPolicyPeer> peers(NetworkPolicy policy, int port) {
        return policy.getSpec().getIngress().stream()
                .filter(r -> r.getPorts().stream().anyMatch(p -> p.getPort().getIntVal() == port))
                .findFirst().orElseThrow(() -> new AssertionError("no rule for " + port)).getFrom();
    }

    private static List<String> ports(NetworkPolicy policy) {
        return policy.getSpec().getIngress().stream().flatMap(r -> r.getPorts().stream())
                .map((NetworkPolicyPort p) -> p.getPort().getIntVal() + "/" + p.getProtocol()).toList();
    }

    private static String env(Container container, String name) {
        return container.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no env " + name + " in " + container.getName())).getValue();
    }

    private static Optional<Volume> volume(PodTemplateSpec template, String name) {
        return template.getSpec().getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst();
    }

    private static List<String> tlsItems(PodTemplateSpec template) {
        return volume(template, "internal-tls").orElseThrow().getSecret().getItems().stream().map(KeyToPath::getPath)
                .toList();
    }
}
