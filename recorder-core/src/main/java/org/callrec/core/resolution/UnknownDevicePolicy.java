package org.callrec.core.resolution;

import java.util.Locale;

/**
 * What a deployment does with a start from a MAC no tenant registered, coming from a source no
 * tenant claims ({@link TenantResolver}).
 *
 * @param mode   refuse it, record it into a quarantine tenant, or into the default tenant
 * @param tenant the quarantine or default tenant's id (unused when refusing)
 */
public record UnknownDevicePolicy(Mode mode, String tenant) {

    public enum Mode {
        /** Answer {@code unknown-device}. */
        REFUSE,
        /** Record it into the quarantine tenant, whatever that tenant's own {@code unknownDevices} says. */
        QUARANTINE,
        /** Record it into the default tenant when that tenant accepts unknown devices. */
        DEFAULT;

        /** The mode of a config value ({@code refuse}, {@code quarantine}, {@code default}), any case. */
        public static Mode parse(String s) {
            return valueOf(s.strip().toUpperCase(Locale.ROOT));
        }
    }
}
