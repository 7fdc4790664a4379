package org.callrec.control.tenant;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.callrec.control.metrics.ControlMetrics;
import org.callrec.core.registry.Registry;
import org.callrec.core.text.LogText;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * This instance's replica of the registry: every record of the catalog's compacted topic
 * {@code callrec.registry}, read from the beginning at every start (channel {@value #CHANNEL},
 * its own consumer group, no commits) into one {@link Registry}. The call path reads only this
 * replica, so recording goes on with the last known registry while the catalog or Kafka is down.
 *
 * <p>A record that does not decode (not JSON of the key's type, a key of neither kind, a value
 * whose id or MAC is not its key's) is counted in {@code callrec_control_registry_records_dropped_total}
 * and dropped; nothing stops the channel (it never throws, and its failure strategy is
 * {@code ignore} besides).
 *
 * <p>Caught up ({@link #caughtUp}) once it read every partition up to its end offset as it was
 * when the instance started ({@link RegistryEndOffsets}); until then starts are refused
 * {@code no-capacity} and readiness is down.
 */
@ApplicationScoped
public class RegistryReplica {

    /** The channel of the registry topic. */
    public static final String CHANNEL = "registry";

    private static final Logger LOG = Logger.getLogger(RegistryReplica.class);

    private final Registry registry = new Registry();
    private final ObjectMapper json;
    private final ControlMetrics metrics;
    /** Per partition, the offset after the last record read. */
    private final Map<Integer, Long> read = new ConcurrentHashMap<>();
    /** Per partition, [beginning, end) offsets at startup; null until known. */
    private volatile Map<Integer, long[]> target;
    private volatile boolean caughtUp;

    @Inject
    public RegistryReplica(ObjectMapper json, ControlMetrics metrics) {
        this.json = json;
        this.metrics = metrics;
        metrics.registrySize(registry::tenantCount, registry::deviceCount);
    }

    /** The replica, read by the call path. */
    public Registry registry() {
        return registry;
    }

    @Incoming(CHANNEL)
    public void onRecord(ConsumerRecord<String, String> record) {
        apply(record.key(), record.value());
        read.merge(record.partition(), record.offset() + 1, Math::max);
        checkCaughtUp();
    }

    /** Applies one record of the topic: a tenant or device entry, or a tombstone (null value). */
    void apply(String key, String value) {
        try {
            if (registry.apply(key, value, json::readValue) == Registry.Applied.UNKNOWN_KEY) {
                drop(ControlMetrics.REGISTRY_UNKNOWN_KEY, key, "a key of neither kind");
            }
        } catch (IOException | RuntimeException e) {
            drop(ControlMetrics.REGISTRY_MALFORMED, key,
                    e instanceof IllegalArgumentException ? e.getMessage() : e.getClass().getSimpleName());
        }
    }

    private void drop(String reason, String key, String detail) {
        metrics.registryRecordDropped(reason);
        LOG.warnf("Dropped a registry record with key %s: %s", LogText.escape(key), LogText.escape(detail));
    }

    /**
     * The topic's partitions and their {@code [beginning, end)} offsets when this instance
     * started: the replica is caught up once it read every one up to its end.
     */
    void target(Map<Integer, long[]> offsets) {
        target = Map.copyOf(offsets);
        checkCaughtUp();
    }

    /** Whether every record that was on the topic when this instance started has been read. */
    public boolean caughtUp() {
        return caughtUp || checkCaughtUp();
    }

    private boolean checkCaughtUp() {
        Map<Integer, long[]> t = target;
        if (caughtUp || t == null) {
            return caughtUp;
        }
        for (Map.Entry<Integer, long[]> e : t.entrySet()) {
            long beginning = e.getValue()[0];
            long end = e.getValue()[1];
            if (beginning < end && read.getOrDefault(e.getKey(), beginning) < end) {
                return false;
            }
        }
        caughtUp = true;
        LOG.infof("Registry replica caught up: %d tenants, %d devices", registry.tenantCount(), registry.deviceCount());
        return true;
    }
}
