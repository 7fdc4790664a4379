package org.callrec.core.registry;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.callrec.core.net.Cidr;

/**
 * The in-memory replica of the registry: the last tenant and device records read from the topic.
 * Thread-safe; readers see each record whole. The services feed it from their Kafka channel and
 * never ask the catalog on the call path, so recording goes on with the last known registry while
 * the catalog or its database is down.
 */
public final class Registry {

    private record Tenant(TenantEntry entry, List<Cidr> networks) {
    }

    private final Map<String, Tenant> tenants = new ConcurrentHashMap<>();
    private final Map<String, DeviceEntry> devices = new ConcurrentHashMap<>();

    public void putTenant(TenantEntry tenant) {
        tenants.put(tenant.id(), new Tenant(tenant, tenant.networks()));
    }

    public void removeTenant(String id) {
        tenants.remove(id);
    }

    public void putDevice(DeviceEntry device) {
        devices.put(device.mac(), device);
    }

    public void removeDevice(String mac) {
        devices.remove(mac);
    }

    public Optional<TenantEntry> tenant(String id) {
        Tenant t = id == null ? null : tenants.get(id);
        return t == null ? Optional.empty() : Optional.of(t.entry());
    }

    public Optional<DeviceEntry> device(String mac) {
        return mac == null ? Optional.empty() : Optional.ofNullable(devices.get(mac));
    }

    public int tenantCount() {
        return tenants.size();
    }

    public int deviceCount() {
        return devices.size();
    }

    /** What a tenant claims about a source address: the tenant whose most specific network holds it. */
    public sealed interface Claim permits Unclaimed, ClaimedBy, Contested {
    }

    /** No tenant names a network holding the address. */
    public record Unclaimed() implements Claim {
    }

    /** One tenant names the most specific network holding the address. */
    public record ClaimedBy(TenantEntry tenant) implements Claim {
    }

    /** Several tenants name equally specific networks holding it: nobody may assume it is theirs. */
    public record Contested(List<String> tenants) implements Claim {
    }

    /**
     * Which tenant's site {@code source} is: the tenant naming the most specific network (longest
     * prefix) that holds it. Tenants that name no network (any source) claim nothing.
     */
    public Claim claimOf(InetAddress source) {
        int best = -1;
        TenantEntry winner = null;
        List<String> tied = List.of();
        for (Tenant t : tenants.values()) {
            int longest = -1;
            for (Cidr c : t.networks()) {
                if (c.prefixLength() > longest && c.contains(source)) {
                    longest = c.prefixLength();
                }
            }
            if (longest < 0) {
                continue;
            }
            if (longest > best) {
                best = longest;
                winner = t.entry();
                tied = List.of();
            } else if (longest == best) {
                tied = tied.isEmpty() ? List.of(winner.id(), t.entry().id())
                        : concat(tied, t.entry().id());
            }
        }
        if (winner == null) {
            return new Unclaimed();
        }
        return tied.isEmpty() ? new ClaimedBy(winner) : new Contested(tied.stream().sorted().toList());
    }

    private static List<String> concat(List<String> list, String more) {
        String[] out = list.toArray(new String[list.size() + 1]);
        out[list.size()] = more;
        return List.of(out);
    }
}
