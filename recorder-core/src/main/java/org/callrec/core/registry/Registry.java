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

    /**
     * Whether {@code source} may record for {@code tenant}: any source when it names no network.
     * Uses the networks parsed when the tenant was put (a tenant not in the replica is parsed now).
     */
    public boolean allows(TenantEntry tenant, InetAddress source) {
        if (tenant.allowedNetworks().isEmpty()) {
            return true;
        }
        Tenant held = tenants.get(tenant.id());
        List<Cidr> networks = held != null && held.entry() == tenant ? held.networks() : tenant.networks();
        for (Cidr c : networks) {
            if (c.contains(source)) {
                return true;
            }
        }
        return false;
    }

    /** What one record of the registry topic did to the replica. */
    public enum Applied {
        /** A tenant or device was put. */
        PUT,
        /** A tombstone removed one. */
        REMOVED,
        /** The key is neither {@code tenant:} nor {@code device:}: nothing changed. */
        UNKNOWN_KEY
    }

    /** Reads a record's JSON value into a core record (the service's JSON mapper). */
    @FunctionalInterface
    public interface Reader {
        <T> T read(String json, Class<T> type) throws java.io.IOException;
    }

    /**
     * Applies one record of the registry topic: a tombstone (null value) removes what its key
     * names; a value must be the entry its key names (a valid tenant id; the key's MAC, as the
     * catalog writes it normalised, with a tenant), else nothing changes and {@link IllegalArgumentException} says why.
     *
     * @throws java.io.IOException when the value is not the JSON of the entry
     */
    public Applied apply(String key, String value, Reader json) throws java.io.IOException {
        Optional<String> tenantId = RegistryKeys.tenantId(key);
        Optional<String> mac = RegistryKeys.deviceMac(key);
        if (tenantId.isPresent()) {
            if (value == null) {
                removeTenant(tenantId.get());
                return Applied.REMOVED;
            }
            TenantEntry tenant = json.read(value, TenantEntry.class);
            if (!tenantId.get().equals(tenant.id()) || !TenantIds.isValid(tenant.id())) {
                throw new IllegalArgumentException("tenant id " + tenant.id() + " is not its key's");
            }
            putTenant(tenant);
            return Applied.PUT;
        }
        if (mac.isPresent()) {
            if (value == null) {
                removeDevice(mac.get());
                return Applied.REMOVED;
            }
            DeviceEntry device = json.read(value, DeviceEntry.class);
            if (!mac.get().equals(device.mac()) || device.tenant() == null) {
                throw new IllegalArgumentException("MAC or tenant missing, or not its key's");
            }
            putDevice(device);
            return Applied.PUT;
        }
        return Applied.UNKNOWN_KEY;
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
