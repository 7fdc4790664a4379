package org.callrec.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.callrec.core.allocation.InternalApi;
import org.callrec.ingest.config.IngestConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;

@DisplayName("Helm chart helm/callrec")
class ChartTest {

    private static Helm helm;

    @BeforeAll
    static void helm() {
        helm = Helm.require();
    }

    /** The chart's ci/ values files: one per network mode, plus the k8s/ defaults. */
    static Stream<String> valuesFiles() throws IOException {
        try (Stream<Path> files = Files.list(Repo.path(Helm.CHART + "/ci"))) {
            return files.map(f -> Helm.CHART + "/ci/" + f.getFileName()).sorted().toList().stream();
        }
    }

    private static Rendered render(String... args) {
        return Rendered.of(helm.render(args));
    }

    private static String[] values(String file, String... sets) {
        return Helm.values(file, sets);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valuesFiles")
    @DisplayName("helm lint --strict passes")
    void lint(String valuesFile) {
        Helm.Result result = helm.run(List.of("lint", "--strict", Repo.path(Helm.CHART).toString(),
                "--values", Repo.path(valuesFile).toString()));

        assertThat(result.ok()).as("helm lint: %s%s", result.stdout(), result.stderr()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valuesFiles")
    @DisplayName("every rendered object is a known kind without unknown fields, and every pod is hardened and probed")
    void rendersValidHardenedObjects(String valuesFile) {
        // validation happens while parsing: unknown kinds or fields throw
        Rendered rendered = render(values(valuesFile));

        rendered.podTemplates().forEach((workload, template) -> {
            var pod = template.getSpec().getSecurityContext();
            assertThat(pod.getRunAsNonRoot()).as("%s runAsNonRoot", workload).isTrue();
            assertThat(pod.getSeccompProfile().getType()).as("%s seccomp", workload).isEqualTo("RuntimeDefault");
            assertThat(template.getSpec().getAutomountServiceAccountToken()).as("%s token", workload).isFalse();
            Container container = Rendered.container(template);
            var security = container.getSecurityContext();
            assertThat(security.getReadOnlyRootFilesystem()).as("%s read-only root", workload).isTrue();
            assertThat(security.getAllowPrivilegeEscalation()).as("%s escalation", workload).isFalse();
            assertThat(security.getCapabilities().getDrop()).as("%s capabilities", workload).containsExactly("ALL");
            assertThat(container.getVolumeMounts()).as("%s writable /tmp", workload)
                    .anyMatch(m -> m.getMountPath().equals("/tmp"));
            assertThat(container.getResources().getRequests()).as("%s requests", workload).containsKeys("cpu", "memory");
            assertThat(container.getResources().getLimits()).as("%s memory limit", workload).containsKey("memory");
            // probes: all three, on the port named management, which is the service's management port
            int management = container.getPorts().stream().filter(p -> p.getName().equals("management"))
                    .findFirst().orElseThrow().getContainerPort();
            assertThat(management).isIn(9081, 9082, 9083, 9084);
            assertProbe(container.getStartupProbe(), "/q/health/started", workload);
            assertProbe(container.getLivenessProbe(), "/q/health/live", workload);
            assertProbe(container.getReadinessProbe(), "/q/health/ready", workload);
            assertThat(template.getMetadata().getAnnotations().get("checksum/config")).as("%s checksum", workload)
                    .matches("[0-9a-f]{64}");
            // the ConfigMap it reads exists
            String configMap = container.getEnvFrom().get(0).getConfigMapRef().getName();
            assertThat(rendered.configMap(configMap)).isNotEmpty();
        });

        // a PDB per workload, selecting that workload's pods
        assertThat(rendered.pdbs()).hasSize(rendered.podTemplates().size()).allSatisfy(pdb -> assertThat(rendered.podTemplates().values())
                .anyMatch(t -> t.getMetadata().getLabels().entrySet()
                        .containsAll(pdb.getSpec().getSelector().getMatchLabels().entrySet())));
        // every Service selects the pods of one workload
        rendered.all(Service.class).forEach(service -> assertThat(rendered.podTemplates().values())
                .as("pods of Service %s", service.getMetadata().getName())
                .anyMatch(t -> t.getMetadata().getLabels().entrySet().containsAll(
                        withoutPodName(service.getSpec().getSelector()).entrySet())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valuesFiles")
    @DisplayName("every environment variable the chart sets is a real configuration key of its service")
    void environmentKeysAreRealKeys(String valuesFile) {
        Rendered rendered = render(values(valuesFile));

        Map<String, ServiceConfig> services = Map.of("callrec-control", ServiceConfig.CONTROL,
                "callrec-ingest", ServiceConfig.INGEST, "callrec-storage", ServiceConfig.STORAGE,
                "callrec-catalog", ServiceConfig.CATALOG);
        assertThat(rendered.podTemplates()).as("every ci/ values file renders the catalog").containsKey("callrec-catalog");
        services.forEach((workload, service) -> {
            Container container = Rendered.container(rendered.podTemplates().get(workload));
            Map<String, String> env = new HashMap<>(rendered.configMap(workload));
            container.getEnv().forEach(e -> env.put(e.getName(), e.getValue() == null ? "" : e.getValue()));
            // helper variables are allowed when another value refers to them in an expression
            Set<String> referenced = new TreeSet<>();
            Matcher matcher = Pattern.compile("\\$\\{([A-Z0-9_]+)").matcher(String.join(" ", env.values()));
            while (matcher.find()) {
                referenced.add(matcher.group(1));
            }

            Set<String> unknown = new TreeSet<>(env.keySet());
            unknown.removeAll(service.envNames());
            unknown.removeIf(name -> referenced.stream().anyMatch(name::startsWith));

            assertThat(unknown).as("settings of %s that %s does not read", workload, service.module()).isEmpty();
        });
    }

    @Nested
    @DisplayName("networkMode hostNetwork")
    class HostNetwork {

        private final Rendered rendered = render(values(Helm.CHART + "/ci/hostnetwork-values.yaml"));
        private final StatefulSet ingest = rendered.ingest();

        @Test
        @DisplayName("binds on the node, one pod per node, cluster DNS kept, replaced only on delete")
        void podsOnTheNodes() {
            var spec = ingest.getSpec().getTemplate().getSpec();

            assertThat(spec.getHostNetwork()).isTrue();
            assertThat(spec.getDnsPolicy()).isEqualTo("ClusterFirstWithHostNet");
            var antiAffinity = spec.getAffinity().getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
            assertThat(antiAffinity).singleElement().satisfies(term -> {
                assertThat(term.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
                assertThat(term.getLabelSelector().getMatchLabels()).containsEntry("app.kubernetes.io/component", "ingest");
            });
            assertThat(ingest.getSpec().getUpdateStrategy().getType()).isEqualTo("OnDelete");
            assertThat(spec.getTerminationGracePeriodSeconds()).isGreaterThanOrEqualTo(600L);
            assertThat(spec.getNodeSelector()).containsEntry("callrec.io/media", "true");
        }

        @Test
        @DisplayName("advertises the node's address from the downward API, and no per-pod Service exists")
        void advertisesHostIp() {
            EnvVar address = env(ingest, "INGEST_ADVERTISED_ADDRESS");

            assertThat(address.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("status.hostIP");
            assertThat(rendered.all(Service.class).map(s -> s.getMetadata().getName()))
                    .noneMatch(name -> name.matches("callrec-ingest-\\d+"));
        }

        @Test
        @DisplayName("no service-mesh sidecar on the media pods, and the hook drains the node, then waits for open recordings")
        void mediaPodsStayPlain() {
            PodTemplateSpec template = ingest.getSpec().getTemplate();

            assertThat(template.getMetadata().getAnnotations()).containsEntry("sidecar.istio.io/inject", "false")
                    .containsEntry("linkerd.io/inject", "disabled");
            assertThat(String.join(" ", Rendered.container(template).getLifecycle().getPreStop().getExec().getCommand()))
                    .contains("POST " + InternalApi.NODE_DRAIN).contains(InternalApi.ALLOCATIONS).contains("[]");
            assertThat(rendered.configMap("callrec-ingest")).containsEntry("INGEST_SHUTDOWN_DRAIN", "20s")
                    .containsEntry("INGEST_SHUTDOWN_FLUSH_TIMEOUT", "10s");
        }

        @Test
        @DisplayName("the ServiceMonitor scrapes /q/metrics on the management port of every service")
        void serviceMonitor() {
            var monitor = rendered.documents().stream().filter(d -> d.kind().equals("ServiceMonitor")).findFirst()
                    .orElseThrow().raw();
            @SuppressWarnings("unchecked")
            Map<String, Object> spec = (Map<String, Object>) monitor.get("spec");
            @SuppressWarnings("unchecked")
            Map<String, String> selector = (Map<String, String>) ((Map<String, Object>) spec.get("selector"))
                    .get("matchLabels");

            assertThat(spec.get("endpoints").toString()).contains("port=management").contains("path=/q/metrics");
            List<Service> scraped = rendered.all(Service.class)
                    .filter(s -> s.getMetadata().getLabels().entrySet().containsAll(selector.entrySet())).toList();
            assertThat(scraped).extracting(s -> s.getMetadata().getName())
                    .containsExactlyInAnyOrder("callrec-control-management", "callrec-ingest", "callrec-storage",
                            "callrec-catalog");
            assertThat(scraped).allSatisfy(s -> assertThat(s.getSpec().getPorts())
                    .anyMatch(p -> p.getName().equals("management")));
        }
    }

    @Nested
    @DisplayName("networkMode perPodAddress")
    class PerPodAddress {

        private static final List<String> ADDRESSES = List.of("203.0.113.10", "203.0.113.11", "203.0.113.12");
        private final Rendered rendered = render(values(Helm.CHART + "/ci/perpodaddress-values.yaml"));

        @Test
        @DisplayName("each pod has a LoadBalancer Service listing every UDP port of the range, keeping source addresses")
        void perPodServices() {
            for (int i = 0; i < 3; i++) {
                Service service = rendered.service("callrec-ingest-" + i);

                assertThat(service.getSpec().getType()).isEqualTo("LoadBalancer");
                assertThat(service.getSpec().getExternalTrafficPolicy()).isEqualTo("Local");
                assertThat(service.getSpec().getLoadBalancerIP()).isEqualTo(ADDRESSES.get(i));
                assertThat(service.getSpec().getSelector())
                        .containsEntry("statefulset.kubernetes.io/pod-name", "callrec-ingest-" + i);
                assertThat(service.getSpec().getPorts()).extracting(ServicePort::getPort)
                        .containsExactlyElementsOf(IntStream.rangeClosed(40000, 40049).boxed().toList());
                assertThat(service.getSpec().getPorts()).allSatisfy(p -> {
                    assertThat(p.getProtocol()).isEqualTo("UDP");
                    assertThat(p.getTargetPort().getIntVal()).isEqualTo(p.getPort());
                });
            }
        }

        @Test
        @DisplayName("pod i advertises addresses[i]: the service's own configuration expands the rendered environment")
        void eachPodAdvertisesItsAddress() {
            StatefulSet ingest = rendered.ingest();
            Map<String, String> configMap = rendered.configMap("callrec-ingest");
            EnvVar index = env(ingest, "CALLREC_POD_INDEX");
            assertThat(index.getValueFrom().getFieldRef().getFieldPath())
                    .isEqualTo("metadata.labels['apps.kubernetes.io/pod-index']");

            for (int i = 0; i < 3; i++) {
                // what the kubelet gives pod i: the ConfigMap, then the downward API values
                Map<String, String> podEnv = new HashMap<>(configMap);
                podEnv.put("CALLREC_POD_INDEX", Integer.toString(i));
                podEnv.put("INGEST_NODE_ID", "callrec-ingest-" + i);

                IngestConfig config = ServiceConfig.INGEST.read(IngestConfig.class, podEnv);

                assertThat(config.advertisedAddress()).isEqualTo(ADDRESSES.get(i));
                assertThat(config.nodeId()).contains("callrec-ingest-" + i);
                assertThat(config.ports().min()).isEqualTo(40000);
                assertThat(config.ports().max()).isEqualTo(40049);
            }
        }

        @Test
        @DisplayName("control-service is given every ingest pod through the headless Service, and its NodePort keeps sources")
        void controlKnowsEveryNode() {
            String nodes = rendered.configMap("callrec-control").get("CONTROL_INGEST_NODES");
            Service headless = rendered.service("callrec-ingest");
            Service phones = rendered.service("callrec-control");

            assertThat(nodes.split(",")).containsExactly(
                    "http://callrec-ingest-0.callrec-ingest.callrec.svc.cluster.local:8082",
                    "http://callrec-ingest-1.callrec-ingest.callrec.svc.cluster.local:8082",
                    "http://callrec-ingest-2.callrec-ingest.callrec.svc.cluster.local:8082");
            assertThat(rendered.ingest().getSpec().getServiceName()).isEqualTo("callrec-ingest");
            assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
            assertThat(headless.getSpec().getPublishNotReadyAddresses()).isTrue();
            assertThat(phones.getSpec().getType()).isEqualTo("NodePort");
            assertThat(phones.getSpec().getExternalTrafficPolicy()).isEqualTo("Local");
            assertThat(phones.getSpec().getPorts()).singleElement().satisfies(p -> {
                assertThat(p.getNodePort()).isEqualTo(31000);
                assertThat(p.getProtocol()).isEqualTo("TCP");
            });
        }

        @Test
        @DisplayName("S3 credentials given inline become a Secret the storage pods read, and restart them when changed")
        void inlineS3Credentials() {
            Container storage = Rendered.container(rendered.storage().getSpec().getTemplate());

            assertThat(storage.getEnv()).extracting(EnvVar::getName)
                    .contains("STORAGE_S3_ACCESS_KEY", "STORAGE_S3_SECRET_KEY");
            assertThat(storage.getEnv()).allSatisfy(e -> assertThat(e.getValueFrom().getSecretKeyRef().getName())
                    .isEqualTo("callrec-s3"));
            assertThat(rendered.storage().getSpec().getTemplate().getMetadata().getAnnotations())
                    .containsKey("checksum/secret");
            assertThat(rendered.storage().getSpec().getReplicas()).isEqualTo(3);
        }
    }

    @Nested
    @DisplayName("networkMode clusterIP")
    class ClusterIp {

        private final Rendered rendered = render(values(Helm.CHART + "/ci/clusterip-values.yaml"));

        @Test
        @DisplayName("advertises the pod IP, stays off the host network and only prefers spreading pods")
        void podIp() {
            StatefulSet ingest = rendered.ingest();
            var spec = ingest.getSpec().getTemplate().getSpec();

            assertThat(env(ingest, "INGEST_ADVERTISED_ADDRESS").getValueFrom().getFieldRef().getFieldPath())
                    .isEqualTo("status.podIP");
            assertThat(spec.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
            assertThat(spec.getAffinity().getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution())
                    .isEmpty();
            assertThat(spec.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution())
                    .hasSize(1);
            assertThat(Rendered.container(ingest.getSpec().getTemplate()).getLifecycle()).as("drain disabled").isNull();
        }

        @Test
        @DisplayName("the phones' Service is a plain ClusterIP one, and existing Secrets are used with their own keys")
        void clusterIpService() {
            Service phones = rendered.service("callrec-control");
            Container storage = Rendered.container(rendered.storage().getSpec().getTemplate());

            assertThat(phones.getSpec().getType()).isEqualTo("ClusterIP");
            assertThat(phones.getSpec().getExternalTrafficPolicy()).isNull();
            assertThat(storage.getEnv()).filteredOn(e -> e.getValueFrom() != null)
                    .extracting(e -> e.getValueFrom().getSecretKeyRef().getKey()).containsExactly("user", "password");
            assertThat(rendered.documents()).noneMatch(d -> d.kind().equals("Secret"));
            assertThat(rendered.configMap("callrec-control"))
                    .containsEntry("CONTROL_PROTOCOL_MAX_OPEN_RECORDINGS_PER_CONNECTION", "16");
        }
    }

    @Test
    @DisplayName("a Kafka Secret is added to the environment of every service (control and storage read the registry, the catalog publishes it); the checksum follows the configuration")
    void kafkaSecretAndChecksum() {
        String defaults = Helm.CHART + "/ci/k8s-values.yaml";
        Rendered plain = render(values(defaults));
        Rendered withSecret = render(values(defaults, "kafka.existingSecret=kafka-sasl", "control.tenant=acme"));

        List.of("callrec-control", "callrec-ingest", "callrec-storage", "callrec-catalog").forEach(workload -> assertThat(
                Rendered.container(withSecret.podTemplates().get(workload)).getEnvFrom()).as(workload)
                .anyMatch(e -> e.getSecretRef() != null && e.getSecretRef().getName().equals("kafka-sasl")));
        assertThat(checksum(withSecret.control())).isNotEqualTo(checksum(plain.control()));
        assertThat(checksum(withSecret.storage())).isEqualTo(checksum(plain.storage()));
    }

    @Test
    @DisplayName("kafka.config reaches every service as KAFKA_* variables, and rolls their pods")
    void kafkaClientProperties() {
        String defaults = Helm.CHART + "/ci/k8s-values.yaml";
        Rendered plain = render(values(defaults));
        Rendered sasl = render(values(defaults, "kafka.config.security\\.protocol=SASL_SSL",
                "kafka.config.sasl\\.mechanism=SCRAM-SHA-512", "kafka.config.client\\.rack=zone-a"));

        // Spelt as the services' Kafka clients read them back: KAFKA_SECURITY_PROTOCOL is security.protocol
        for (String component : List.of("callrec-control", "callrec-ingest", "callrec-storage", "callrec-catalog")) {
            assertThat(sasl.configMap(component)).as(component)
                    .containsEntry("KAFKA_BOOTSTRAP_SERVERS", "kafka-bootstrap.kafka.svc:9092")
                    .containsEntry("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
                    .containsEntry("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")
                    .containsEntry("KAFKA_CLIENT_RACK", "zone-a");
        }
        // A change of them restarts every service
        assertThat(checksum(sasl.ingest())).isNotEqualTo(checksum(plain.ingest()));
        assertThat(checksum(sasl.storage())).isNotEqualTo(checksum(plain.storage()));
        assertThat(checksum(sasl.control())).isNotEqualTo(checksum(plain.control()));
        assertThat(checksum(sasl.catalog())).isNotEqualTo(checksum(plain.catalog()));
    }

    @Test
    @DisplayName("no pod gets service-link variables (a Service named kafka would add KAFKA_PORT …)")
    void noServiceLinks() {
        Rendered rendered = render(values(Helm.CHART + "/ci/k8s-values.yaml"));

        rendered.podTemplates().forEach((workload, template) -> assertThat(template.getSpec().getEnableServiceLinks())
                .as(workload).isFalse());
    }

    static Stream<Arguments> invalidValues() {
        String k8s = Helm.CHART + "/ci/k8s-values.yaml";
        String perPod = Helm.CHART + "/ci/perpodaddress-values.yaml";
        return Stream.of(
                Arguments.of(k8s, List.of("ingest.updateStrategy=RollingUpdate"), "not allowed with networkMode hostNetwork"),
                Arguments.of(k8s, List.of("storage.replicas=4"), "must not exceed kafka.topicPartitions"),
                Arguments.of(k8s, List.of("kafka.bootstrapServers="), "kafka.bootstrapServers is required"),
                Arguments.of(k8s, List.of("kafka.config.bootstrap\\.servers=other:9092"), "set kafka.bootstrapServers"),
                Arguments.of(k8s, List.of("s3.endpoint="), "s3.endpoint is required"),
                Arguments.of(k8s, List.of("s3.existingSecret="), "S3 credentials"),
                Arguments.of(k8s, List.of("ingest.ports.min=50000"), "must not exceed ingest.ports.max"),
                Arguments.of(k8s, List.of("ingest.replicas=2", "ingest.advertisedAddress.addresses={192.0.2.1,192.0.2.2}"),
                        "only with ingest.replicas=1"),
                Arguments.of(k8s, List.of("ingest.networkMode=clusterIP", "ingest.advertisedAddress.fromField=hostIP"),
                        "networkMode clusterIP advertises the pod IP"),
                Arguments.of(k8s, List.of("ingest.networkMode=perPodAddress", "ingest.advertisedAddress.fromField=podIP"),
                        "needs ingest.advertisedAddress.addresses"),
                Arguments.of(k8s, List.of("ingest.networkMode=perPodAddress",
                        "ingest.advertisedAddress.addresses={192.0.2.1}"), "more than ingest.perPodService.maxPorts"),
                Arguments.of(perPod, List.of("ingest.replicas=4"), "has 3 entries for 4 ingest replicas"),
                Arguments.of(k8s, List.of("control.service.nodePort=31000"), "only valid with control.service.type NodePort"),
                Arguments.of(k8s, List.of("ingest.terminationGracePeriodSeconds=39"),
                        "ingest.terminationGracePeriodSeconds (39) is shorter than the shutdown after SIGTERM"),
                Arguments.of(k8s, List.of("ingest.env.INGEST_SHUTDOWN_DRAIN=5s"), "set ingest.shutdown.* instead"),
                Arguments.of(k8s, List.of("ingest.advertisedAddress.fromField=hostIP",
                        "ingest.advertisedAddress.addresses={192.0.2.1}"), "not both"),
                // issue 10: a public phone port must be acknowledged; no development profile or credentials
                Arguments.of(k8s, List.of("control.service.loadBalancerSourceRanges=null"),
                        "LoadBalancer without loadBalancerSourceRanges"),
                Arguments.of(k8s, List.of("s3.sse=kms"), "s3.sse kms needs s3.sseKmsKeyId"),
                Arguments.of(k8s, List.of("s3.sseKmsKeyId=alias/callrec"), "only used with s3.sse kms"),
                Arguments.of(k8s, List.of("s3.existingSecret=", "s3.accessKey=callrec", "s3.secretKey=callrec-secret"),
                        "well-known development key"),
                Arguments.of(k8s, List.of("storage.env.QUARKUS_PROFILE=dev"), "prod profile"),
                Arguments.of(k8s, List.of("ingest.env.INGEST_API_TOKEN_FILE=/tmp/token"), "mounts this file from a Secret"),
                Arguments.of(k8s, List.of("s3.sse=aes"), "sse"),
                Arguments.of(k8s, List.of("networkPolicy.phoneCidrs={10.0.0.0}"), "phoneCidrs"),
                // issue 12: the catalog needs its external database and operator key, from Secrets
                Arguments.of(k8s, List.of("catalog.database.existingSecret="), "catalog.database.existingSecret is required"),
                Arguments.of(k8s, List.of("catalog.database.url="), "catalog.database.url is required"),
                Arguments.of(k8s, List.of("catalog.operatorKey.existingSecret="), "catalog.operatorKey.existingSecret is required"),
                Arguments.of(k8s, List.of("catalog.env.QUARKUS_DATASOURCE_PASSWORD=secret"), "never from env"),
                Arguments.of(k8s, List.of("catalog.env.CATALOG_OPERATOR_KEY_FILE=/tmp/key"), "mounts this file from a Secret"),
                Arguments.of(k8s, List.of("catalog.env.QUARKUS_PROFILE=dev"), "prod profile"),
                Arguments.of(k8s, List.of("catalog.database.url=jdbc:mysql://db:3306/callrec"), "catalog/database/url"),
                Arguments.of(k8s, List.of("catalog.database.password=secret"), "password"),
                Arguments.of(k8s, List.of("control.tenants.unknownDevices=accept"), "unknownDevices"),
                // the schema: enums, ranges and unknown keys
                Arguments.of(k8s, List.of("ingest.networkMode=nodePort"), "networkMode"),
                Arguments.of(k8s, List.of("ingest.ports.min=80"), "ports/min"),
                Arguments.of(k8s, List.of("control.service.typ=NodePort"), "typ"),
                // an unescaped property name in --set becomes a nested map, not a Kafka property
                Arguments.of(k8s, List.of("kafka.config.security.protocol=SASL_SSL"), "kafka/config/security"));
    }

    @ParameterizedTest(name = "{1} refused")
    @MethodSource("invalidValues")
    @DisplayName("invalid combinations are refused with a message saying why")
    void guards(String valuesFile, List<String> sets, String message) {
        Helm.Result result = helm.template(values(valuesFile, sets.toArray(String[]::new)));

        assertThat(result.ok()).as("helm template with %s should fail", sets).isFalse();
        assertThat(result.stderr()).contains(message);
    }

    @Test
    @DisplayName("a render that breaks the Kubernetes model is caught by the validation")
    void validationCatchesBrokenManifests() {
        String valid = helm.render(values(Helm.CHART + "/ci/k8s-values.yaml"));

        assertThatThrownBy(() -> Rendered.of(valid.replace("terminationGracePeriodSeconds:", "terminationGraceSeconds:")))
                .hasMessageContaining("unknown field").hasMessageContaining("terminationGraceSeconds");
        assertThatThrownBy(() -> Rendered.of(valid.replace("kind: PodDisruptionBudget", "kind: PodDisruptionBudgett")))
                .hasMessageContaining("unknown kind");
        assertThatThrownBy(() -> Rendered.of(valid.replace("sidecar.istio.io/inject: \"false\"",
                "sidecar.istio.io/inject: false"))).hasMessageContaining("is not a string");
    }

    @Test
    @DisplayName("the README's parameter table lists every key of values.yaml")
    void readmeListsEveryValue() throws IOException {
        String readme = Files.readString(Repo.path(Helm.CHART + "/README.md"));
        List<String> missing = new ArrayList<>();
        Deque stack = new Deque();
        for (String line : Files.readAllLines(Repo.path(Helm.CHART + "/values.yaml"))) {
            Matcher m = Pattern.compile("^( *)([A-Za-z]\\w*):").matcher(line);
            if (m.find()) {
                String key = stack.push(m.group(1).length() / 2, m.group(2));
                // a row of its own, a row of a key below it, or a row of an object holding it (resources, securityContext)
                boolean documented = readme.contains("| `" + key + "` |") || readme.contains("| `" + key + ".");
                for (String part = key; !documented && part.contains("."); ) {
                    part = part.substring(0, part.lastIndexOf('.'));
                    documented = readme.contains("| `" + part + "` |");
                }
                if (!documented) {
                    missing.add(key);
                }
            }
        }
        assertThat(missing).isEmpty();
    }

    /** The dotted path of nested YAML keys by indentation level. */
    private static final class Deque {
        private final List<String> path = new ArrayList<>();

        String push(int level, String key) {
            while (path.size() > level) {
                path.remove(path.size() - 1);
            }
            path.add(key);
            return String.join(".", path);
        }
    }

    private static String checksum(io.fabric8.kubernetes.api.model.apps.Deployment deployment) {
        return deployment.getSpec().getTemplate().getMetadata().getAnnotations().get("checksum/config");
    }

    private static String checksum(StatefulSet set) {
        return set.getSpec().getTemplate().getMetadata().getAnnotations().get("checksum/config");
    }

    private static EnvVar env(StatefulSet set, String name) {
        return Rendered.container(set.getSpec().getTemplate()).getEnv().stream().filter(e -> e.getName().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no env " + name));
    }

    private static void assertProbe(Probe probe, String path, String workload) {
        assertThat(probe).as("%s probe %s", workload, path).isNotNull();
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("management");
    }

    private static Map<String, String> withoutPodName(Map<String, String> selector) {
        Map<String, String> copy = new HashMap<>(selector);
        copy.remove("statefulset.kubernetes.io/pod-name");
        return copy;
    }
}
