package org.callrec.storage.registry;

import java.io.IOException;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.callrec.core.registry.Registry;
import org.callrec.core.text.LogText;
import org.callrec.logging.RateLimitedLog;
import org.callrec.storage.metrics.StorageMetrics;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * This instance's replica of the registry topic ({@link org.callrec.core.chunk.Topics#REGISTRY},
 * compacted, written by catalog-service): channel {@value #CHANNEL}, read from the beginning at
 * every start under a group id of its own ({@code mp.messaging.incoming.registry.*} in
 * {@code application.properties}: earliest, nothing committed), so the replica is whole once the
 * topic is read up to its end. Storage uses it only where no START record says where a recording
 * goes: the phone-file import. Network recordings are placed by their START record alone.
 *
 * <p>A record that cannot be read (a key that is neither {@code tenant:} nor {@code device:}, JSON
 * that is not a tenant or device, an entry whose id is not its key's) is counted
 * ({@code callrec_storage_registry_records_dropped_total}), logged (rate limited, escaped) and
 * dropped: the method returns normally, so the message is acknowledged and the channel goes on.
 * The channel's failure strategy is {@code ignore} as a second guard: a replica that stopped at
 * one bad record would silently go stale.
 */
@ApplicationScoped
public class RegistryChannel {

    /** The channel name ({@code mp.messaging.incoming.registry.*}). */
    public static final String CHANNEL = "registry";

    private static final Logger LOG = Logger.getLogger(RegistryChannel.class);
    private static final String BAD = "registry-record";
    private static final RateLimitedLog LINES = new RateLimitedLog(LOG, 20, Duration.ofMinutes(1));

    private final Registry registry = new Registry();

    @Inject
    ObjectMapper json;

    @Inject
    StorageMetrics metrics;

    /** The one replica of this instance. */
    @Produces
    @Singleton
    Registry registry() {
        metrics.registry(registry::tenantCount);
        return registry;
    }

    /** Applies one record of the registry topic; a tombstone (null value) removes what its key names. */
    @Incoming(CHANNEL)
    public void apply(ConsumerRecord<String, String> record) {
        String key = record.key();
        String value = record.value();
        try {
            if (registry.apply(key, value, json::readValue) == Registry.Applied.UNKNOWN_KEY) {
                throw new IllegalArgumentException("not a tenant: or device: key");
            }
        } catch (IOException | RuntimeException e) {
            metrics.registryRecordDropped();
            String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            LINES.warnf(BAD, "Registry record %s-%d-%d (key %s) dropped: %s", record.topic(), record.partition(),
                    record.offset(), LogText.escape(key == null ? "(none)" : key), LogText.escape(String.valueOf(why)));
        }
    }
}
