package org.callrec.control.tenant;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.callrec.control.config.ControlConfig;
import org.callrec.control.metrics.ControlMetrics;
import org.callrec.core.registry.TenantActivity;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.kafka.Record;
import io.vertx.core.Vertx;

/**
 * Carries {@link TenantQuota}'s counts between the replicas over {@code callrec.tenant.activity}:
 * publishes this instance's (keyed by instance id) when they changed, at most every
 * {@code control.tenants.activity.publish-interval}, and every {@code heartbeat} without change;
 * reads the others' (channel {@value #IN}, from the beginning: one record per instance on a
 * compacted topic). A publication that cannot leave (Kafka down) is dropped, never queued: the
 * next one carries the counts of its time. On shutdown a tombstone says the instance is gone.
 */
@ApplicationScoped
public class ActivityChannel {

    /** Channel of the others' activity. */
    public static final String IN = "tenant-activity";
    /** Channel of this instance's activity. */
    public static final String OUT = "tenant-activity-out";

    private static final Logger LOG = Logger.getLogger(ActivityChannel.class);

    @Inject
    TenantGate gate;
    @Inject
    ControlConfig config;
    @Inject
    ObjectMapper json;
    @Inject
    ControlMetrics metrics;
    @Inject
    Vertx vertx;
    @Inject
    @Channel(OUT)
    @OnOverflow(OnOverflow.Strategy.DROP)
    Emitter<Record<String, String>> out;

    private long timer = -1;

    void start(@Observes StartupEvent event) {
        if (!config.tenants().registry()) {
            return;
        }
        ControlConfig.Tenants.Activity a = config.tenants().activity();
        long interval = Math.max(1, a.publishInterval().toMillis());
        long heartbeat = a.heartbeat().toMillis();
        // ticks at the publish interval; TenantQuota.due decides whether anything goes out
        timer = vertx.setPeriodic(interval, id -> gate.quota().due(interval, heartbeat).ifPresent(this::publish));
    }

    private void publish(TenantActivity activity) {
        try {
            out.send(Record.of(activity.instance(), json.writeValueAsString(activity)))
                    .whenComplete((v, e) -> {
                        if (e != null) {
                            LOG.debugf("Tenant activity not published: %s", e.toString());
                        }
                    });
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.debugf("Tenant activity not published: %s", e.toString());
        }
    }

    @Incoming(IN)
    public void onActivity(ConsumerRecord<String, String> record) {
        TenantQuota quota = gate.quota();
        if (record.value() == null) {
            if (record.key() != null) {
                quota.forget(record.key());
            }
            return;
        }
        try {
            TenantActivity activity = json.readValue(record.value(), TenantActivity.class);
            if (activity.instance() == null || activity.instance().equals(quota.instance())) {
                return;
            }
            metrics.activityDelay(System.currentTimeMillis() - activity.atMillis());
            quota.onActivity(activity);
        } catch (JsonProcessingException | RuntimeException e) {
            metrics.activityRecordDropped();
        }
    }

    @PreDestroy
    void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            try {
                out.send(Record.of(gate.quota().instance(), null));
            } catch (RuntimeException e) {
                LOG.debugf("No tombstone for this instance's activity: %s", e.toString());
            }
        }
    }
}
