package org.callrec.control.tenant;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import org.callrec.core.registry.TenantActivity;

/**
 * The tenants' concurrent-recordings limit across control replicas, framework-free. Each
 * instance counts its own open recordings per tenant (reserved when a start is admitted, given
 * back when the recording ends or never opens), publishes them ({@link #due}) and keeps the last
 * entry every other instance published ({@link #onActivity}). A start is admitted while
 * {@code local + sum(others' fresh entries) < limit}.
 *
 * <p>With one instance the limit is exact. With several, a start admitted by another instance
 * is seen here one propagation delay later (its publish interval + the topic's latency), so the
 * tenant can overshoot by the starts the other instances admit within that delay, and never by
 * more than each of them admitting up to the limit alone (docs, "The limit across replicas").
 * Thread-safe.
 */
public final class TenantQuota {

    private final String instance;
    private final long expiryMillis;
    private final LongSupplier clock;
    /** Open recordings per tenant on this instance; guarded by this. */
    private final Map<String, Integer> local = new HashMap<>();
    private final Map<String, TenantActivity> others = new ConcurrentHashMap<>();
    private boolean changed;
    private long lastPublished = Long.MIN_VALUE / 2;

    /**
     * @param instance     this instance's id (its own entries read back are ignored)
     * @param expiryMillis a peer's entry older than this, by its publication time, counts for nothing
     * @param clock        wall-clock milliseconds (entries carry the publisher's)
     */
    public TenantQuota(String instance, long expiryMillis, LongSupplier clock) {
        this.instance = instance;
        this.expiryMillis = expiryMillis;
        this.clock = clock;
    }

    public String instance() {
        return instance;
    }

    /**
     * Reserves one recording of {@code tenant} unless its limit is reached, counting this
     * instance's and the other instances' open recordings.
     *
     * @param limit the tenant's {@code concurrentRecordings}, or null for no limit
     * @return whether it was reserved (give it back with {@link #release})
     */
    public synchronized boolean tryReserve(String tenant, Integer limit) {
        int mine = local.getOrDefault(tenant, 0);
        if (limit != null && mine + othersActive(tenant) >= limit) {
            return false;
        }
        local.put(tenant, mine + 1);
        changed = true;
        return true;
    }

    /** Gives back one recording reserved by {@link #tryReserve}. */
    public synchronized void release(String tenant) {
        Integer mine = local.get(tenant);
        if (mine == null) {
            return;
        }
        if (mine <= 1) {
            local.remove(tenant);
        } else {
            local.put(tenant, mine - 1);
        }
        changed = true;
    }

    /** This instance's open recordings of {@code tenant}. */
    public synchronized int local(String tenant) {
        return local.getOrDefault(tenant, 0);
    }

    /** The other instances' open recordings of {@code tenant}, as last published and not expired. */
    public int othersActive(String tenant) {
        long oldest = clock.getAsLong() - expiryMillis;
        int sum = 0;
        for (TenantActivity a : others.values()) {
            if (a.atMillis() >= oldest) {
                sum += Math.max(0, a.active().getOrDefault(tenant, 0));
            }
        }
        return sum;
    }

    /** Other instances whose last entry is not expired. */
    public int peers() {
        long oldest = clock.getAsLong() - expiryMillis;
        return (int) others.values().stream().filter(a -> a.atMillis() >= oldest).count();
    }

    /**
     * An entry read from the activity topic: kept when it is another instance's and newer than
     * the one held, and not dated further ahead than {@code expiry} (replicas' clocks agree within
     * much less: an entry from the future would never expire). A removed instance (tombstone) is
     * forgotten with {@link #forget}.
     */
    public void onActivity(TenantActivity activity) {
        if (activity == null || instance.equals(activity.instance())
                || activity.atMillis() > clock.getAsLong() + expiryMillis) {
            return;
        }
        others.merge(activity.instance(), activity, (held, read) -> read.atMillis() >= held.atMillis() ? read : held);
    }

    /** Another instance said it is gone (its key's tombstone). */
    public void forget(String otherInstance) {
        others.remove(otherInstance);
    }

    /**
     * What to publish now, if anything: this instance's counts when they changed and the last
     * publication is at least {@code publishIntervalMillis} old (changes in between are
     * coalesced), or when the last one is {@code heartbeatMillis} old.
     */
    public synchronized Optional<TenantActivity> due(long publishIntervalMillis, long heartbeatMillis) {
        long now = clock.getAsLong();
        long since = now - lastPublished;
        if (!(changed && since >= publishIntervalMillis) && since < heartbeatMillis) {
            return Optional.empty();
        }
        changed = false;
        lastPublished = now;
        return Optional.of(new TenantActivity(instance, now, local));
    }
}
