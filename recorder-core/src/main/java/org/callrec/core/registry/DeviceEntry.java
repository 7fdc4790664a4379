package org.callrec.core.registry;

/**
 * A phone as the data plane sees it (the value of a {@code device:<mac>} registry record).
 *
 * @param mac     normalised MAC ({@link org.callrec.core.protocol.MacAddress})
 * @param tenant  the tenant it belongs to
 * @param label   free text
 * @param enabled whether it may record
 */
public record DeviceEntry(String mac, String tenant, String label, boolean enabled) {
}
