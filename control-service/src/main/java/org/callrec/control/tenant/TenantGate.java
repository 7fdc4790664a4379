package org.callrec.control.tenant;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.callrec.control.config.ControlConfig;
import org.callrec.core.protocol.RefusalReason;
import org.callrec.core.registry.StoragePlacement;
import org.callrec.core.registry.TenantEntry;
import org.callrec.core.resolution.TenantResolver;
import org.callrec.core.resolution.UnknownDevicePolicy;

/**
 * Whose recording a start is, and whether its tenant has room: {@link TenantResolver} over the
 * registry replica, then the tenant's {@code concurrentRecordings} through {@link TenantQuota}.
 * With {@code control.tenants.registry=false} every start is {@code control.default-tenant}'s,
 * unchecked and uncounted.
 */
@ApplicationScoped
public class TenantGate {

    /** What a start may do. */
    public sealed interface Outcome permits Admitted, Refused {
    }

    /**
     * The start is {@code tenant}'s.
     *
     * @param placement  where its recordings go; null: the deployment's
     * @param maxSeconds its longest recording, or null
     * @param limit      its concurrent recordings, or null for no limit
     */
    public record Admitted(String tenant, StoragePlacement placement, Integer maxSeconds, Integer limit)
            implements Outcome {
    }

    /**
     * The start is refused.
     *
     * @param tenant        the tenant it was refused for, if one (for the log only)
     * @param possibleClone a registered MAC seen outside its tenant's networks
     */
    public record Refused(RefusalReason reason, String tenant, String detail, boolean possibleClone)
            implements Outcome {
    }

    /** One reserved recording of a tenant; {@link #release} gives it back, once. */
    public static final class Slot {
        private final TenantQuota quota;
        private final String tenant;
        private final AtomicBoolean released = new AtomicBoolean();

        private Slot(TenantQuota quota, String tenant) {
            this.quota = quota;
            this.tenant = tenant;
        }

        public void release() {
            if (quota != null && released.compareAndSet(false, true)) {
                quota.release(tenant);
            }
        }
    }

    private static final Slot UNCOUNTED = new Slot(null, null);

    private final ControlConfig config;
    private final RegistryReplica replica;
    private final TenantResolver resolver;
    private final TenantQuota quota;

    @Inject
    public TenantGate(ControlConfig config, RegistryReplica replica, ControlInstance instance,
                      org.callrec.control.metrics.ControlMetrics metrics) {
        this.config = config;
        this.replica = replica;
        UnknownDevicePolicy.Mode mode;
        try {
            mode = UnknownDevicePolicy.Mode.parse(config.tenants().unknownDevices());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("control.tenants.unknown-devices: refuse, quarantine or default, not "
                    + config.tenants().unknownDevices(), e);
        }
        String policyTenant = mode == UnknownDevicePolicy.Mode.QUARANTINE ? config.tenants().quarantineTenant()
                : config.defaultTenant();
        this.resolver = new TenantResolver(replica.registry(), new UnknownDevicePolicy(mode, policyTenant));
        this.quota = new TenantQuota(instance.id(), config.tenants().activity().expiry().toMillis(),
                System::currentTimeMillis);
        metrics.activityPeers(quota::peers);
    }

    /** The counts shared with the other replicas. */
    public TenantQuota quota() {
        return quota;
    }

    /** Whose recording a start of {@code device} (normalised MAC) from {@code phoneAddress} is. */
    public Outcome resolve(String device, String phoneAddress) {
        if (!config.tenants().registry()) {
            return new Admitted(config.defaultTenant(), null, null, null);
        }
        if (!replica.caughtUp()) {
            return new Refused(RefusalReason.NO_CAPACITY, null, "the registry replica has not caught up yet", false);
        }
        InetAddress source;
        try {
            int scope = phoneAddress.indexOf('%');
            // a literal from the socket: no name lookup happens
            source = InetAddress.getByName(scope >= 0 ? phoneAddress.substring(0, scope) : phoneAddress);
        } catch (UnknownHostException e) {
            return new Refused(RefusalReason.FORBIDDEN_SOURCE, null, "unreadable source address", false);
        }
        TenantResolver.Resolution r = resolver.resolve(device, source);
        if (r instanceof TenantResolver.Refused refused) {
            return new Refused(refused.reason(), refused.tenant(), refused.detail(), refused.possibleClone());
        }
        TenantEntry t = ((TenantResolver.Accepted) r).tenant();
        return new Admitted(t.id(), t.placement(), t.maxRecordingSeconds(), t.concurrentRecordings());
    }

    /** Reserves one of the tenant's recordings, or null when its limit is reached ({@code quota-exceeded}). */
    public Slot reserve(Admitted admitted) {
        if (!config.tenants().registry()) {
            return UNCOUNTED;
        }
        return quota.tryReserve(admitted.tenant(), admitted.limit()) ? new Slot(quota, admitted.tenant()) : null;
    }
}
