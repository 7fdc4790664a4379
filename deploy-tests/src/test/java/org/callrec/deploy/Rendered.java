package org.callrec.deploy;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

/** A validated render of the chart, with typed access to its objects. */
record Rendered(List<Manifests.Document> documents) {

    static Rendered of(String yaml) {
        return new Rendered(Manifests.validate(yaml));
    }

    <T extends HasMetadata> Stream<T> all(Class<T> type) {
        return documents.stream().map(Manifests.Document::object).filter(type::isInstance).map(type::cast);
    }

    <T extends HasMetadata> T get(Class<T> type, String name) {
        return all(type).filter(o -> o.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name + " in the render"));
    }

    StatefulSet ingest() {
        return get(StatefulSet.class, "callrec-ingest");
    }

    Deployment control() {
        return get(Deployment.class, "callrec-control");
    }

    Deployment storage() {
        return get(Deployment.class, "callrec-storage");
    }

    Map<String, String> configMap(String name) {
        return get(ConfigMap.class, name).getData();
    }

    Service service(String name) {
        return get(Service.class, name);
    }

    Stream<PodDisruptionBudget> pdbs() {
        return all(PodDisruptionBudget.class);
    }

    Deployment catalog() {
        return get(Deployment.class, "callrec-catalog");
    }

    /** Every pod template of the render, by workload name (the catalog's when it is enabled). */
    Map<String, PodTemplateSpec> podTemplates() {
        Map<String, PodTemplateSpec> templates = new TreeMap<>(Map.of(
                "callrec-control", control().getSpec().getTemplate(),
                "callrec-ingest", ingest().getSpec().getTemplate(),
                "callrec-storage", storage().getSpec().getTemplate()));
        all(Deployment.class).filter(d -> d.getMetadata().getName().equals("callrec-catalog"))
                .forEach(d -> templates.put("callrec-catalog", d.getSpec().getTemplate()));
        return templates;
    }

    static Container container(PodTemplateSpec template) {
        return template.getSpec().getContainers().get(0);
    }
}
