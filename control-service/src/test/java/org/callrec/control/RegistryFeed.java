package org.callrec.control;

import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.callrec.control.tenant.RegistryReplica;
import org.callrec.core.chunk.Topics;
import org.callrec.core.registry.DeviceEntry;
import org.callrec.core.registry.RegistryKeys;
import org.callrec.core.registry.TenantEntry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.reactive.messaging.memory.InMemoryConnector;

/**
 * Publishes registry records to control's {@code registry} channel, as the catalog would on the
 * topic: the in-memory connector carries {@link ConsumerRecord}s like the Kafka one.
 */
final class RegistryFeed {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicLong OFFSET = new AtomicLong();

    private final InMemoryConnector connector;

    RegistryFeed(InMemoryConnector connector) {
        this.connector = connector;
    }

    void tenant(TenantEntry tenant) {
        raw(RegistryKeys.tenant(tenant.id()), json(tenant));
    }

    void device(DeviceEntry device) {
        raw(RegistryKeys.device(device.mac()), json(device));
    }

    /** A record as it is: any key, any value (null: a tombstone). */
    void raw(String key, String value) {
        connector.source(RegistryReplica.CHANNEL).send(new ConsumerRecord<>(Topics.REGISTRY, 0, OFFSET.getAndIncrement(), key, value));
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
