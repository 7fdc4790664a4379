package org.callrec.core.registry;

import java.util.List;
import java.util.Objects;

import org.callrec.core.net.Cidr;

/**
 * A tenant as the data plane sees it (the value of a {@code tenant:<id>} registry record).
 *
 * @param id                   the tenant id ({@link TenantIds})
 * @param name                 display name
 * @param status               {@value #ACTIVE} or {@value #SUSPENDED}
 * @param allowedNetworks      CIDRs its phones may record from; empty: any source
 * @param concurrentRecordings recordings it may have open at once, or null for no limit
 * @param maxRecordingSeconds  longest recording, or null for the deployment's caps only
 * @param retentionDays        days its recordings are kept, or null for ever
 * @param placement            where its recordings are stored
 * @param unknownDevices       {@value #REFUSE} or {@value #ACCEPT}: what a start from an
 *                             unregistered MAC inside its networks gets ({@link org.callrec.core.resolution.TenantResolver})
 */
public record TenantEntry(String id, String name, String status, List<String> allowedNetworks,
                          Integer concurrentRecordings, Integer maxRecordingSeconds, Integer retentionDays,
                          StoragePlacement placement, String unknownDevices) {

    public static final String ACTIVE = "active";
    public static final String SUSPENDED = "suspended";
    public static final String REFUSE = "refuse";
    public static final String ACCEPT = "accept";

    public TenantEntry {
        Objects.requireNonNull(id, "id");
        allowedNetworks = allowedNetworks == null ? List.of() : List.copyOf(allowedNetworks);
        placement = StoragePlacement.orDefault(placement);
        status = status == null ? ACTIVE : status;
        unknownDevices = unknownDevices == null ? REFUSE : unknownDevices;
    }

    /** Whether it may record (anything but {@value #ACTIVE} counts as suspended). */
    public boolean active() {
        return ACTIVE.equals(status);
    }

    /** Whether an unregistered MAC from its networks is recorded into it. */
    public boolean acceptsUnknownDevices() {
        return ACCEPT.equals(unknownDevices);
    }

    /** Its networks, parsed once ({@link Registry} keeps them); an entry that does not parse is left out (the catalog validates them). */
    public List<Cidr> networks() {
        return allowedNetworks.stream().map(TenantEntry::parseOrNull).filter(Objects::nonNull).toList();
    }

    private static Cidr parseOrNull(String s) {
        try {
            return Cidr.parse(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
