package org.callrec.core.registry;

import java.util.Optional;

/**
 * Keys of the registry topic: {@code tenant:<id>} and {@code device:<mac>}. A record with a null
 * value (a tombstone) removes what its key names.
 */
public final class RegistryKeys {

    public static final String TENANT_PREFIX = "tenant:";
    public static final String DEVICE_PREFIX = "device:";

    private RegistryKeys() {
    }

    public static String tenant(String id) {
        return TENANT_PREFIX + id;
    }

    public static String device(String mac) {
        return DEVICE_PREFIX + mac;
    }

    /** The tenant id of a tenant key, empty for any other key. */
    public static Optional<String> tenantId(String key) {
        return key != null && key.startsWith(TENANT_PREFIX) ? Optional.of(key.substring(TENANT_PREFIX.length()))
                : Optional.empty();
    }

    /** The MAC of a device key, empty for any other key. */
    public static Optional<String> deviceMac(String key) {
        return key != null && key.startsWith(DEVICE_PREFIX) ? Optional.of(key.substring(DEVICE_PREFIX.length()))
                : Optional.empty();
    }
}
