package org.callrec.catalog.usage;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.callrec.catalog.config.CatalogConfig;
import org.callrec.core.registry.TenantActivity;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * "Active now" per tenant: the latest {@link TenantActivity} of every control replica (channel
 * {@code activity-in}, topic {@code callrec.tenant.activity}, keyed by instance), kept in memory;
 * a tenant's count is the sum over the reports younger than {@code catalog.activity.fresh-for}
 * (by their {@code atMillis}), so a replica that stopped reporting stops counting. A tombstone
 * removes its instance.
 */
@ApplicationScoped
public class ActivityBoard {

    private static final Logger LOG = Logger.getLogger(ActivityBoard.class);

    @Inject
    ObjectMapper mapper;
    @Inject
    CatalogConfig config;

    private final Map<String, TenantActivity> latest = new ConcurrentHashMap<>();
    private LongSupplier clock = System::currentTimeMillis;

    @Incoming("activity-in")
    public void consume(ConsumerRecord<String, String> record) {
        if (record.value() == null) {
            if (record.key() != null) {
                latest.remove(record.key());
            }
            return;
        }
        try {
            TenantActivity a = mapper.readValue(record.value(), TenantActivity.class);
            if (a.instance() != null) {
                latest.merge(a.instance(), a, (old, now) -> now.atMillis() >= old.atMillis() ? now : old);
            }
        } catch (JsonProcessingException e) {
            LOG.debugf("Skipped an activity report that is not JSON of TenantActivity (key %s)", record.key());
        }
    }

    /** Open recordings of {@code tenant} over the fresh reports. */
    public int activeNow(String tenant) {
        long oldest = clock.getAsLong() - freshFor().toMillis();
        int sum = 0;
        for (TenantActivity a : latest.values()) {
            if (a.atMillis() >= oldest) {
                sum += Math.max(0, a.active().getOrDefault(tenant, 0));
            }
        }
        return sum;
    }

    private Duration freshFor() {
        return config.activity().freshFor();
    }

    /** For tests: the clock "now" is read from. */
    void clock(LongSupplier clock) {
        this.clock = clock;
    }
}
