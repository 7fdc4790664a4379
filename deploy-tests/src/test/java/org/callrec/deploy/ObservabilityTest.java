package org.callrec.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.callrec.core.allocation.InternalApi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.ConfigMap;

/**
 * The Grafana dashboard (helm/callrec/dashboards/callrec.json) and the PrometheusRule the chart
 * ships: they name only metrics the services expose ({@link ServiceMetrics}), and render only
 * when asked for.
 */
@DisplayName("dashboard and alerts")
class ObservabilityTest {

    private static final String DASHBOARD = Helm.CHART + "/dashboards/callrec.json";
    private static final String K8S = Helm.CHART + "/ci/k8s-values.yaml";
    private static final String DATASOURCE = "${datasource}";

    private static JsonNode dashboard() throws IOException {
        return new ObjectMapper().readTree(Repo.read(DASHBOARD));
    }

    /** Every expression of the dashboard, by panel title. */
    private static Map<String, List<String>> dashboardExpressions() throws IOException {
        Map<String, List<String>> exprs = new TreeMap<>();
        for (JsonNode panel : dashboard().get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                exprs.computeIfAbsent(panel.get("title").asText(), t -> new ArrayList<>()).add(target.get("expr").asText());
            }
        }
        return exprs;
    }

    /** The names of exprs no service exposes. */
    private static Set<String> unknownNames(Iterable<String> exprs) {
        Set<String> exposed = ServiceMetrics.exposed();
        Set<String> unknown = new TreeSet<>();
        for (String expr : exprs) {
            ServiceMetrics.namesIn(expr).stream().filter(n -> !exposed.contains(n)).forEach(unknown::add);
        }
        return unknown;
    }

    @Nested
    @DisplayName("the metric names")
    class MetricNames {

        @Test
        @DisplayName("the exposed set holds each service's documented and registered meters")
        void exposedSet() {
            Set<String> exposed = ServiceMetrics.exposed();

            // one of each kind and service: counter, gauge with a base unit, summary series, a catalog name
            assertThat(exposed).contains("callrec_control_commands_total", "callrec_control_tenants_activity_delay_seconds_count",
                    "callrec_ingest_packets_dropped_total", "callrec_ingest_event_loop_delay_seconds",
                    "callrec_storage_consumer_lag_records", "callrec_storage_partition_pinned_seconds",
                    "callrec_catalog_registry_outbox_rows")
                    .doesNotContain("callrec_ingest_ports_free_count", "callrec_storage_consumer_lag");
            // nearly every documented name is registered: the scan of the sources finds the meters
            ServiceMetrics.documented().forEach((module, names) -> assertThat(exposed)
                    .as("documented meters of %s found in its sources", module).containsAll(names.stream()
                            .filter(n -> !n.endsWith("_count") && !n.endsWith("_sum") && !n.endsWith("_max")).toList()));
        }

        @Test
        @DisplayName("metric names are read out of PromQL: matchers, ranges, grouping labels, functions and numbers left out")
        void promqlNames() {
            assertThat(ServiceMetrics.namesIn("sum by (pod, reason) (rate(a_total{namespace=\"$namespace\",reason!~\"x|y\"}"
                    + "[$__rate_interval])) / on(pod) group_left() b_records > 1e+06 and max without (le) (c) >= 0.01"
                    + " or vector(0) unless d offset 5m"))
                    .containsExactly("a_total", "b_records", "c", "d");
        }

        @Test
        @DisplayName("a renamed metric is caught")
        void renamedMetricIsCaught() {
            assertThat(unknownNames(List.of("sum(callrec_storage_consumer_lag{namespace=\"callrec\"})",
                    "rate(callrec_ingest_packets_accepted_total[5m])")))
                    .containsExactly("callrec_ingest_packets_accepted_total", "callrec_storage_consumer_lag");
        }

        @Test
        @DisplayName("the framework meters are there: no service turns the JVM binder off, all run the Prometheus registry")
        void frameworkMeters() throws IOException {
            for (String module : ServiceMetrics.MODULES) {
                String properties = Repo.read(module + "/src/main/resources/application.properties");
                assertThat(properties).as(module).doesNotContainPattern("quarkus\\.micrometer\\.binder\\.jvm\\s*=\\s*false")
                        .doesNotContainPattern("quarkus\\.micrometer\\.binder-enabled-default\\s*=\\s*false");
                assertThat(Repo.read(module + "/pom.xml")).as(module).contains("quarkus-micrometer-registry-prometheus");
            }
            // the HTTP-client meters are control's calls to ingest, tagged with the path it calls
            assertThat(dashboardExpressions().values().stream().flatMap(List::stream)
                    .filter(e -> e.contains("http_client_requests")))
                    .isNotEmpty().allMatch(e -> e.contains("uri=\"" + InternalApi.ALLOCATIONS + "\""));
        }
    }

    @Nested
    @DisplayName("the dashboard")
    class Dashboard {

        @Test
        @DisplayName("is Grafana JSON with a Prometheus data-source variable and a namespace variable")
        void variables() throws IOException {
            JsonNode dashboard = dashboard();

            assertThat(dashboard.get("schemaVersion").asInt()).isGreaterThanOrEqualTo(39);
            assertThat(dashboard.get("uid").asText()).isNotBlank();
            List<JsonNode> variables = new ArrayList<>();
            dashboard.at("/templating/list").forEach(variables::add);
            assertThat(variables).anySatisfy(v -> {
                assertThat(v.get("name").asText()).isEqualTo("datasource");
                assertThat(v.get("type").asText()).isEqualTo("datasource");
                assertThat(v.get("query").asText()).isEqualTo("prometheus");
            });
            assertThat(variables).anySatisfy(v -> {
                assertThat(v.get("name").asText()).isEqualTo("namespace");
                assertThat(v.at("/datasource/uid").asText()).isEqualTo(DATASOURCE);
                assertThat(ServiceMetrics.exposed()).containsAll(ServiceMetrics.namesIn(v.at("/query/query").asText()
                        .replaceAll("label_values\\((.*), *\\w+\\)", "$1")));
            });
        }

        @Test
        @DisplayName("has the rows calls, ingest, storage, Kafka and S3, catalog, JVM; every panel queries ${datasource}")
        void panels() throws IOException {
            List<String> rows = new ArrayList<>();
            for (JsonNode panel : dashboard().get("panels")) {
                if (panel.get("type").asText().equals("row")) {
                    rows.add(panel.get("title").asText());
                    continue;
                }
                String title = panel.get("title").asText();
                assertThat(panel.at("/datasource/type").asText()).as(title).isEqualTo("prometheus");
                assertThat(panel.at("/datasource/uid").asText()).as(title).isEqualTo(DATASOURCE);
                assertThat(panel.get("targets")).as(title).isNotEmpty().allSatisfy(target -> {
                    assertThat(target.get("expr").asText()).as(title).isNotBlank().contains("namespace=\"$namespace\"");
                    assertThat(target.at("/datasource/uid").asText()).as(title).isEqualTo(DATASOURCE);
                    assertThat(target.get("refId").asText()).as(title).isNotBlank();
                });
            }
            assertThat(rows).containsExactly("Calls", "Ingest", "Storage", "Kafka and S3", "Catalog", "JVM");
        }

        @Test
        @DisplayName("every expression names only metrics the services expose")
        void onlyExposedMetrics() throws IOException {
            Map<String, Set<String>> unknown = new TreeMap<>();
            dashboardExpressions().forEach((title, exprs) -> {
                Set<String> names = unknownNames(exprs);
                if (!names.isEmpty()) {
                    unknown.put(title, names);
                }
            });

            assertThat(unknown).as("panels naming metrics no service exposes").isEmpty();
        }
    }

    @Nested
    @DisplayName("rendered")
    class Rendering {

        private final Helm helm = Helm.require();

        private Rendered render(String... sets) {
            return Rendered.of(helm.render(Helm.values(K8S, sets)));
        }

        /** A render with {@code --set-json} values too (--set makes a string of 0.05). */
        private Rendered render(List<String> json, String... sets) {
            List<String> args = new ArrayList<>(List.of(Helm.values(K8S, sets)));
            json.forEach(value -> args.addAll(List.of("--set-json", value)));
            return Rendered.of(helm.render(args.toArray(String[]::new)));
        }

        @SuppressWarnings("unchecked")
        private static List<Map<String, Object>> rules(Rendered rendered) {
            Map<String, Object> rule = rendered.documents().stream().filter(d -> d.kind().equals("PrometheusRule"))
                    .findFirst().orElseThrow().raw();
            List<Map<String, Object>> groups = (List<Map<String, Object>>) ((Map<String, Object>) rule.get("spec")).get("groups");
            return groups.stream().flatMap(g -> ((List<Map<String, Object>>) g.get("rules")).stream()).toList();
        }

        @Test
        @DisplayName("the dashboard ConfigMap carries the sidecar's label, the annotations and the JSON unchanged")
        void dashboardConfigMap() {
            Rendered rendered = render("metrics.grafanaDashboard.enabled=true",
                    "metrics.grafanaDashboard.annotations.grafana_folder=callrec");

            ConfigMap configMap = rendered.get(ConfigMap.class, "callrec-dashboard");
            assertThat(configMap.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1")
                    .containsEntry("app.kubernetes.io/instance", "callrec");
            assertThat(configMap.getMetadata().getAnnotations()).containsEntry("grafana_folder", "callrec");
            assertThat(configMap.getData()).containsOnlyKeys("callrec.json");
            assertThat(configMap.getData().get("callrec.json")).isEqualTo(Repo.read(DASHBOARD).stripTrailing());
        }

        @Test
        @DisplayName("the sidecar's label can be another one")
        void otherLabel() {
            Rendered rendered = render("metrics.grafanaDashboard.enabled=true", "metrics.grafanaDashboard.labels.grafana_dashboard=null",
                    "metrics.grafanaDashboard.labels.dashboards=callrec");

            assertThat(rendered.get(ConfigMap.class, "callrec-dashboard").getMetadata().getLabels())
                    .containsEntry("dashboards", "callrec").doesNotContainKey("grafana_dashboard");
        }

        @Test
        @DisplayName("the PrometheusRule holds the alerts, each with for, severity, summary, description and runbook")
        void alerts() {
            Rendered rendered = render("metrics.prometheusRule.enabled=true", "metrics.prometheusRule.labels.release=prom");
            List<Map<String, Object>> rules = rules(rendered);

            assertThat(rendered.documents()).filteredOn(d -> d.kind().equals("PrometheusRule")).singleElement()
                    .satisfies(d -> assertThat(d.object().getMetadata().getLabels()).containsEntry("release", "prom"));
            assertThat(rules).extracting(r -> r.get("alert")).containsExactly("CallrecRtpPacketLoss", "CallrecNoCapacity",
                    "CallrecIngestPortsLow", "CallrecStorageConsumerLagHigh", "CallrecStorageConsumerLagGrowing",
                    "CallrecStorageCommitPinned", "CallrecS3UploadRetries", "CallrecS3Down", "CallrecStorageUploadsFailed",
                    "CallrecKafkaDown", "CallrecCatalogRegistryOutboxGrowing", "CallrecWebhookDeliveriesFailing");
            assertThat(rules).allSatisfy(rule -> {
                String alert = (String) rule.get("alert");
                assertThat((String) rule.get("for")).as(alert).matches("[0-9]+[smh]");
                assertThat((Map<String, Object>) rule.get("labels")).as(alert).extractingByKey("severity")
                        .isIn("warning", "critical");
                assertThat((Map<String, Object>) rule.get("annotations")).as(alert)
                        .containsKeys("summary", "description", "runbook");
                assertThat((String) rule.get("expr")).as(alert).contains("namespace=\"callrec\"");
            });
        }

        @Test
        @DisplayName("every alert names only metrics the services expose")
        void alertsUseExposedMetrics() {
            List<String> exprs = rules(render("metrics.prometheusRule.enabled=true")).stream()
                    .map(r -> (String) r.get("expr")).toList();

            assertThat(unknownNames(exprs)).isEmpty();
        }

        @Test
        @DisplayName("thresholds come from values, and additionalRules are appended")
        void thresholdsAndAdditionalRules() {
            List<Map<String, Object>> rules = rules(render(List.of("metrics.prometheusRule.thresholds.packetLossRatio=0.05"),
                    "metrics.prometheusRule.enabled=true", "metrics.prometheusRule.thresholds.pinnedCommitSeconds=7200",
                    "metrics.prometheusRule.additionalRules[0].alert=CallrecCustom",
                    "metrics.prometheusRule.additionalRules[0].expr=vector(1)",
                    "metrics.prometheusRule.additionalRules[0].for=1m",
                    "metrics.prometheusRule.additionalRules[0].labels.severity=info",
                    "metrics.prometheusRule.additionalRules[0].annotations.summary=s",
                    "metrics.prometheusRule.additionalRules[0].annotations.description=d"));

            assertThat(expr(rules, "CallrecStorageCommitPinned")).endsWith("> 7200");
            assertThat(expr(rules, "CallrecRtpPacketLoss")).contains("> 0.05");
            assertThat(rules).last().satisfies(r -> assertThat(r).containsEntry("alert", "CallrecCustom"));
        }

        @Test
        @DisplayName("a rule without for, severity or annotations is caught by the validation")
        void validationCatchesBrokenRules() {
            String valid = helm.render(Helm.values(K8S, "metrics.prometheusRule.enabled=true"));

            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Rendered.of(valid.replace("severity: warning", "level: warning")))
                    .hasMessageContaining("no severity label");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Rendered.of(valid.replace("for: 10m", "fr: 10m")))
                    .hasMessageContaining("no for duration");
        }

        static Stream<String> valuesFiles() throws IOException {
            try (Stream<Path> files = Files.list(Repo.path(Helm.CHART + "/ci"))) {
                return files.map(f -> Helm.CHART + "/ci/" + f.getFileName()).sorted().toList().stream();
            }
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("valuesFiles")
        @DisplayName("with the defaults neither the dashboard nor the PrometheusRule is rendered")
        void offByDefault(String valuesFile) {
            Rendered rendered = Rendered.of(helm.render(Helm.values(valuesFile)));

            assertThat(rendered.documents()).noneMatch(d -> d.kind().equals("PrometheusRule"));
            assertThat(rendered.all(ConfigMap.class)).noneMatch(c -> c.getMetadata().getName().endsWith("-dashboard"));
        }

        private static String expr(List<Map<String, Object>> rules, String alert) {
            return rules.stream().filter(r -> alert.equals(r.get("alert"))).map(r -> ((String) r.get("expr")).strip())
                    .findFirst().orElseThrow();
        }
    }
}
