package org.callrec.catalog.recording;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.callrec.catalog.config.CatalogConfig;
import org.callrec.catalog.db.Db;
import org.callrec.catalog.problem.ProblemException;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Deletes each tenant's recordings that started more than its {@code retentionDays} ago, every
 * {@code catalog.retention.interval} (so within that long of expiry), through the same deletion
 * as a user's: under the recording's row lock, re-checking the hold, so a hold that commits before
 * the deletion takes the lock keeps the recording, and one that comes after finds it gone. Every
 * deletion is audited ({@code recording.expire}, actor {@code system:retention}) and counted in
 * {@code callrec_catalog_retention_total{outcome}}. Replicas may sweep at once: a recording is
 * deleted once, the others skip it.
 */
@ApplicationScoped
public class RetentionSweeper {

    private static final Logger LOG = Logger.getLogger(RetentionSweeper.class);

    @Inject
    Db db;
    @Inject
    RecordingService recordings;
    @Inject
    CatalogConfig config;
    @Inject
    MeterRegistry registry;

    private ScheduledExecutorService timer;

    void start(@Observes StartupEvent event) {
        if (!config.retention().enabled()) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "retention-sweeper");
            t.setDaemon(true);
            return t;
        });
        long every = config.retention().interval().toMillis();
        timer.scheduleWithFixedDelay(this::sweepQuietly, Math.min(every, 10_000), every, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.warnf("Retention sweep failed (next in %s): %s", config.retention().interval(), e.getMessage());
        }
    }

    /** One sweep of every tenant with a retention; returns how many recordings it deleted. */
    public int sweep() {
        int deleted = 0;
        for (String[] tenant : tenantsWithRetention()) {
            while (true) {
                List<String> due = due(tenant[0], Integer.parseInt(tenant[1]));
                int before = deleted;
                for (String id : due) {
                    try {
                        recordings.delete(id, null);
                        deleted++;
                        count("deleted");
                    } catch (ProblemException e) {
                        // held since it was listed (409), or deleted by someone else (404)
                        count(e.problem().status() == 409 ? "held" : "gone");
                    }
                }
                if (due.size() < config.retention().batchSize() || deleted == before) {
                    break;
                }
            }
        }
        if (deleted > 0) {
            LOG.infof("Retention deleted %d recordings", deleted);
        }
        return deleted;
    }

    private List<String[]> tenantsWithRetention() {
        return db.inTransaction(tx -> {
            List<String[]> out = new ArrayList<>();
            try (PreparedStatement s = tx.connection().prepareStatement(
                    "SELECT id, retention_days FROM tenants WHERE retention_days IS NOT NULL");
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new String[] {rs.getString(1), Integer.toString(rs.getInt(2))});
                }
            }
            return out;
        });
    }

    private List<String> due(String tenant, int days) {
        return db.inTransaction(tx -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement s = tx.connection().prepareStatement("SELECT id FROM recordings WHERE tenant = ? "
                    + "AND started_at < now() - make_interval(days => ?) AND held_at IS NULL "
                    + "ORDER BY started_at LIMIT ?")) {
                s.setString(1, tenant);
                s.setInt(2, days);
                s.setInt(3, config.retention().batchSize());
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            return out;
        });
    }

    private void count(String outcome) {
        registry.counter("callrec_catalog_retention_total", "outcome", outcome).increment();
    }
}
