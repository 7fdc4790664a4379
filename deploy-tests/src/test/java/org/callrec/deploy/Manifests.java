package org.callrec.deploy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Offline validation of Kubernetes manifests against the fabric8 model of the Kubernetes API:
 * every document must be of a kind the model knows (the Prometheus Operator's ServiceMonitor and
 * PrometheusRule, which it does not, are checked by their structure), carry no field the model does not know, at
 * any depth, and keep label, annotation and ConfigMap values strings.
 */
final class Manifests {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private Manifests() {
    }

    /** A validated document: its typed object and the raw tree it came from. */
    record Document(HasMetadata object, Map<String, Object> raw) {
        String kind() {
            return object.getKind();
        }

        String name() {
            return object.getMetadata().getName();
        }
    }

    /** Thrown when a manifest does not validate; the message lists every problem. */
    static final class InvalidManifest extends RuntimeException {
        InvalidManifest(String message) {
            super(message);
        }
    }

    /** The YAML documents of a stream, empty ones left out. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> documents(String yaml) {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
            if (document != null) {
                documents.add((Map<String, Object>) document);
            }
        }
        return documents;
    }

    /** Parses and validates every document of a stream; throws {@link InvalidManifest} listing all problems. */
    static List<Document> validate(String yaml) {
        List<Document> result = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> raw : documents(yaml)) {
            String where = raw.get("kind") + "/" + name(raw);
            try {
                HasMetadata object = unmarshal(raw, where, problems);
                if (object != null) {
                    result.add(new Document(object, raw));
                }
            } catch (RuntimeException e) {
                problems.add(where + ": does not parse as a Kubernetes object: " + e.getMessage());
            }
            stringValues(raw, where, problems);
        }
        if (!problems.isEmpty()) {
            throw new InvalidManifest(String.join("\n", problems));
        }
        return result;
    }

    private static HasMetadata unmarshal(Map<String, Object> raw, String where, List<String> problems) {
        if ("monitoring.coreos.com/v1".equals(raw.get("apiVersion")) && "ServiceMonitor".equals(raw.get("kind"))) {
            serviceMonitor(raw, where, problems);
            return SERIALIZATION.convertValue(raw, GenericKubernetesResource.class);
        }
        if ("monitoring.coreos.com/v1".equals(raw.get("apiVersion")) && "PrometheusRule".equals(raw.get("kind"))) {
            prometheusRule(raw, where, problems);
            return SERIALIZATION.convertValue(raw, GenericKubernetesResource.class);
        }
        KubernetesResource object = SERIALIZATION.unmarshal(SERIALIZATION.asJson(raw));
        if (object instanceof GenericKubernetesResource || !(object instanceof HasMetadata)) {
            problems.add(where + ": unknown kind " + raw.get("apiVersion") + " " + raw.get("kind"));
            return null;
        }
        unknownFields(object, where, problems, Collections.newSetFromMap(new IdentityHashMap<>()));
        return (HasMetadata) object;
    }

    @SuppressWarnings("unchecked")
    private static void serviceMonitor(Map<String, Object> raw, String where, List<String> problems) {
        Set<String> top = Set.of("apiVersion", "kind", "metadata", "spec");
        Set<String> spec = Set.of("selector", "namespaceSelector", "endpoints", "jobLabel", "targetLabels",
                "podTargetLabels", "sampleLimit");
        Set<String> endpoint = Set.of("port", "targetPort", "path", "scheme", "interval", "scrapeTimeout",
                "honorLabels", "relabelings", "metricRelabelings", "tlsConfig", "bearerTokenSecret");
        raw.keySet().stream().filter(k -> !top.contains(k)).forEach(k -> problems.add(where + ": unknown field " + k));
        Object specValue = raw.get("spec");
        if (!(specValue instanceof Map<?, ?> specMap)) {
            problems.add(where + ": no spec");
            return;
        }
        specMap.keySet().stream().filter(k -> !spec.contains(k))
                .forEach(k -> problems.add(where + ": unknown field spec." + k));
        if (!(specMap.get("selector") instanceof Map<?, ?> selector) || !(selector.get("matchLabels") instanceof Map)) {
            problems.add(where + ": spec.selector.matchLabels missing");
        }
        if (!(specMap.get("endpoints") instanceof List<?> endpoints) || endpoints.isEmpty()) {
            problems.add(where + ": spec.endpoints missing");
            return;
        }
        for (Object e : endpoints) {
            Map<String, Object> map = (Map<String, Object>) e;
            map.keySet().stream().filter(k -> !endpoint.contains(k))
                    .forEach(k -> problems.add(where + ": unknown field spec.endpoints[]." + k));
            if (!(map.get("port") instanceof String)) {
                problems.add(where + ": an endpoint without a named port");
            }
        }
    }

    /**
     * A PrometheusRule: spec.groups of named groups, each with rules; a rule is an alert (with for, a severity
     * label, summary and description annotations) or a recording rule, and always has an expression.
     */
    private static void prometheusRule(Map<String, Object> raw, String where, List<String> problems) {
        Set<String> top = Set.of("apiVersion", "kind", "metadata", "spec");
        Set<String> group = Set.of("name", "interval", "rules", "limit", "partial_response_strategy");
        Set<String> rule = Set.of("alert", "record", "expr", "for", "keep_firing_for", "labels", "annotations");
        raw.keySet().stream().filter(k -> !top.contains(k)).forEach(k -> problems.add(where + ": unknown field " + k));
        if (!(raw.get("spec") instanceof Map<?, ?> spec) || !(spec.get("groups") instanceof List<?> groups)
                || groups.isEmpty()) {
            problems.add(where + ": spec.groups missing");
            return;
        }
        spec.keySet().stream().filter(k -> !k.equals("groups"))
                .forEach(k -> problems.add(where + ": unknown field spec." + k));
        for (Object g : groups) {
            if (!(g instanceof Map<?, ?> groupMap) || !(groupMap.get("name") instanceof String name)
                    || !(groupMap.get("rules") instanceof List<?> rules) || rules.isEmpty()) {
                problems.add(where + ": a group without a name or rules");
                continue;
            }
            groupMap.keySet().stream().filter(k -> !group.contains(k))
                    .forEach(k -> problems.add(where + ": unknown field spec.groups[" + name + "]." + k));
            for (Object r : rules) {
                String at = where + ": group " + name + ": rule " + (r instanceof Map<?, ?> m ? m.get("alert") : r);
                if (!(r instanceof Map<?, ?> ruleMap)) {
                    problems.add(at + " is not an object");
                    continue;
                }
                ruleMap.keySet().stream().filter(k -> !rule.contains(k))
                        .forEach(k -> problems.add(at + ": unknown field " + k));
                if (!(ruleMap.get("expr") instanceof String expr) || expr.isBlank()) {
                    problems.add(at + ": no expr");
                }
                if (ruleMap.get("alert") instanceof String) {
                    if (!(ruleMap.get("for") instanceof String duration) || !duration.matches("[0-9]+(ms|s|m|h|d|w|y)")) {
                        problems.add(at + ": no for duration");
                    }
                    if (!(ruleMap.get("labels") instanceof Map<?, ?> labels) || !(labels.get("severity") instanceof String)) {
                        problems.add(at + ": no severity label");
                    }
                    if (!(ruleMap.get("annotations") instanceof Map<?, ?> annotations)
                            || !(annotations.get("summary") instanceof String)
                            || !(annotations.get("description") instanceof String)) {
                        problems.add(at + ": no summary and description annotations");
                    }
                } else if (!(ruleMap.get("record") instanceof String)) {
                    problems.add(at + ": neither alert nor record");
                }
            }
        }
    }

    /** Walks the typed object: a field the model does not know lands in an additionalProperties map. */
    private static void unknownFields(Object value, String path, List<String> problems, Set<Object> seen) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean
                || value instanceof Enum<?> || !seen.add(value)) {
            return;
        }
        if (value instanceof Collection<?> collection) {
            int i = 0;
            for (Object element : collection) {
                unknownFields(element, path + "[" + i++ + "]", problems, seen);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> unknownFields(v, path + "." + k, problems, seen));
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method method : value.getClass().getMethods()) {
            if (method.getParameterCount() != 0 || Modifier.isStatic(method.getModifiers())
                    || method.getDeclaringClass() == Object.class) {
                continue;
            }
            String name = method.getName();
            if (!name.startsWith("get") || name.equals("getClass")) {
                continue;
            }
            Object child;
            try {
                child = method.invoke(value);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue;
            }
            if (name.equals("getAdditionalProperties")) {
                if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    problems.add(path + ": unknown field(s) " + extra.keySet());
                }
                continue;
            }
            String field = Character.toLowerCase(name.charAt(3)) + name.substring(4);
            unknownFields(child, path + "." + field, problems, seen);
        }
    }

    /** Labels, annotations, selectors and ConfigMap data are string maps; YAML may make a number or boolean of a value. */
    private static void stringValues(Object node, String path, List<String> problems) {
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String key = String.valueOf(entry.getKey());
                String child = path + "." + key;
                boolean stringMap = Set.of("labels", "annotations", "matchLabels", "data", "stringData", "nodeSelector")
                        .contains(key) && entry.getValue() instanceof Map;
                if (stringMap) {
                    ((Map<?, ?>) entry.getValue()).forEach((k, v) -> {
                        if (!(v instanceof String)) {
                            problems.add(child + "." + k + ": value " + v + " is not a string");
                        }
                    });
                } else {
                    stringValues(entry.getValue(), child, problems);
                }
            }
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                stringValues(list.get(i), path + "[" + i + "]", problems);
            }
        }
    }

    private static Object name(Map<String, Object> raw) {
        return raw.get("metadata") instanceof Map<?, ?> metadata ? metadata.get("name") : null;
    }
}
