package org.callrec.core.resolution;

import java.net.InetAddress;
import java.util.Optional;

import org.callrec.core.protocol.RefusalReason;
import org.callrec.core.registry.DeviceEntry;
import org.callrec.core.registry.Registry;
import org.callrec.core.registry.TenantEntry;

/**
 * Whose recording a start is, decided from the replica alone. In order:
 * <ol>
 * <li>A registered MAC belongs to its tenant: refused {@code device-disabled} when disabled,
 *     {@code tenant-suspended} when the tenant is, {@code forbidden-source} (a possible clone)
 *     when the source is outside the tenant's networks, and {@code unknown-device} when its
 *     tenant is gone.</li>
 * <li>An unregistered MAC from a source a tenant claims ({@link Registry#claimOf}) is that
 *     tenant's business: recorded into it when it accepts unknown devices, else
 *     {@code unknown-device}. A source two tenants claim equally is nobody's: {@code unknown-device}.</li>
 * <li>Otherwise the deployment's {@link UnknownDevicePolicy}: refuse; quarantine into its tenant;
 *     or the default tenant, when that exists and accepts unknown devices (the zero-configuration
 *     local run: tenant {@code default}, any device, any source).</li>
 * </ol>
 * The concurrent-recordings limit is not checked here: that is the caller's count.
 */
public final class TenantResolver {

    /** The outcome of a start. */
    public sealed interface Resolution permits Accepted, Refused {
    }

    /**
     * The start is the tenant's.
     *
     * @param device the registered device, empty for an unregistered one
     */
    public record Accepted(TenantEntry tenant, Optional<DeviceEntry> device) implements Resolution {
    }

    /**
     * The start is refused.
     *
     * @param possibleClone whether a registered MAC came from outside its tenant's networks
     */
    public record Refused(RefusalReason reason, String tenant, String detail, boolean possibleClone)
            implements Resolution {
    }

    private final Registry registry;
    private final UnknownDevicePolicy policy;

    public TenantResolver(Registry registry, UnknownDevicePolicy policy) {
        this.registry = registry;
        this.policy = policy;
    }

    public Resolution resolve(String mac, InetAddress source) {
        Optional<DeviceEntry> device = registry.device(mac);
        if (device.isPresent()) {
            return registered(device.get(), source);
        }
        Registry.Claim claim = registry.claimOf(source);
        if (claim instanceof Registry.ClaimedBy c) {
            return c.tenant().acceptsUnknownDevices() ? admit(c.tenant(), source)
                    : refused(RefusalReason.UNKNOWN_DEVICE, c.tenant().id(),
                            "unregistered device at tenant " + c.tenant().id() + "'s site, which refuses unknown devices");
        }
        if (claim instanceof Registry.Contested c) {
            return refused(RefusalReason.UNKNOWN_DEVICE, null,
                    "unregistered device from a source tenants " + c.tenants() + " all claim");
        }
        return byPolicy(source);
    }

    private Resolution registered(DeviceEntry device, InetAddress source) {
        Optional<TenantEntry> tenant = registry.tenant(device.tenant());
        if (tenant.isEmpty()) {
            return refused(RefusalReason.UNKNOWN_DEVICE, device.tenant(), "device of unknown tenant " + device.tenant());
        }
        TenantEntry t = tenant.get();
        if (!device.enabled()) {
            return refused(RefusalReason.DEVICE_DISABLED, t.id(), "device disabled");
        }
        if (!t.active()) {
            return refused(RefusalReason.TENANT_SUSPENDED, t.id(), "tenant " + t.id() + " is " + t.status());
        }
        if (!registry.allows(t, source)) {
            return new Refused(RefusalReason.FORBIDDEN_SOURCE, t.id(),
                    "device of tenant " + t.id() + " seen outside its networks (possible cloning)", true);
        }
        return new Accepted(t, Optional.of(device));
    }

    private Resolution byPolicy(InetAddress source) {
        if (policy.mode() == UnknownDevicePolicy.Mode.REFUSE) {
            return refused(RefusalReason.UNKNOWN_DEVICE, null, "unregistered device");
        }
        Optional<TenantEntry> tenant = registry.tenant(policy.tenant());
        if (tenant.isEmpty()) {
            return refused(RefusalReason.UNKNOWN_DEVICE, null,
                    "unregistered device; no " + policy.mode().name().toLowerCase() + " tenant " + policy.tenant());
        }
        TenantEntry t = tenant.get();
        if (policy.mode() == UnknownDevicePolicy.Mode.DEFAULT && !t.acceptsUnknownDevices()) {
            return refused(RefusalReason.UNKNOWN_DEVICE, t.id(), "unregistered device; default tenant refuses unknown devices");
        }
        return admit(t, source);
    }

    private Resolution admit(TenantEntry t, InetAddress source) {
        if (!t.active()) {
            return refused(RefusalReason.TENANT_SUSPENDED, t.id(), "tenant " + t.id() + " is " + t.status());
        }
        if (!registry.allows(t, source)) {
            return refused(RefusalReason.FORBIDDEN_SOURCE, t.id(), "source outside tenant " + t.id() + "'s networks");
        }
        return new Accepted(t, Optional.empty());
    }

    private static Refused refused(RefusalReason reason, String tenant, String detail) {
        return new Refused(reason, tenant, detail, false);
    }
}
