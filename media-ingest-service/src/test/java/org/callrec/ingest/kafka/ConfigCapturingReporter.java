package org.callrec.ingest.kafka;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.MetricsReporter;

/**
 * A metrics reporter that reports nothing: every Kafka client configures its reporters with the
 * whole configuration it was given, so naming this class in {@code kafka.metric.reporters} shows
 * a test what each client of the service was really created with, by client id.
 */
public final class ConfigCapturingReporter implements MetricsReporter {

    private static final Map<String, Map<String, Object>> CONFIGS = new ConcurrentHashMap<>();

    /** The configuration of the latest client created with this client id, or null. */
    public static Map<String, Object> configOf(String clientId) {
        return CONFIGS.get(clientId);
    }

    @Override
    public void configure(Map<String, ?> configs) {
        CONFIGS.put(String.valueOf(configs.get("client.id")), Collections.unmodifiableMap(new HashMap<>(configs)));
    }

    @Override
    public void init(List<KafkaMetric> metrics) {
    }

    @Override
    public void metricChange(KafkaMetric metric) {
    }

    @Override
    public void metricRemoval(KafkaMetric metric) {
    }

    @Override
    public void close() {
    }
}
