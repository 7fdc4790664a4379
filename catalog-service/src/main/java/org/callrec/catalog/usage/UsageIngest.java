package org.callrec.catalog.usage;

import java.sql.Date;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.callrec.catalog.config.CatalogConfig;
import org.callrec.catalog.db.Db;
import org.callrec.catalog.db.DbException;
import org.callrec.core.completion.CompletionEvent;
import org.callrec.core.registry.TenantIds;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;


import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Blocking;

/**
 * Per-tenant usage from the completion events ({@code completed-in}, topic
 * {@code callrec.recording.completed}): one row of {@code recording_usage} per recording id,
 * inserted with {@code ON CONFLICT DO NOTHING}, so the at-least-once delivery of the events never
 * counts a recording twice. The day is the UTC date of the recording's start. While the database
 * fails the insert is tried again (back-off up to {@code catalog.index.max-retry-interval}) and the
 * offset stays where it is; a message that is not a completion event, or that the database refuses
 * as data (SQLSTATE class 22 or 23), is counted in {@code callrec_catalog_usage_events_total{outcome}}
 * and skipped.
 */
@ApplicationScoped
public class UsageIngest {

    private static final Logger LOG = Logger.getLogger(UsageIngest.class);

    @Inject
    Db db;
    @Inject
    MeterRegistry registry;
    @Inject
    CatalogConfig config;

    @Incoming("completed-in")
    @Blocking
    public void consume(String json) throws InterruptedException {
        if (json == null) {
            count("skipped");
            return;
        }
        CompletionEvent e;
        try {
            e = CompletionEvent.fromJson(json);
        } catch (IllegalArgumentException ex) {
            count("malformed");
            return;
        }
        long bytes = e.audioBytes();
        if (!e.isCompletion() || e.recordingId().isEmpty() || !TenantIds.isValid(e.tenant())) {
            count("skipped");
            return;
        }
        LocalDate day = day(e);
        double seconds = Double.isFinite(e.durationSeconds()) && e.durationSeconds() > 0 ? e.durationSeconds() : 0;
        int inserted;
        try {
            inserted = db.inTransactionRetrying(tx -> {
            try (PreparedStatement s = tx.connection().prepareStatement("INSERT INTO recording_usage "
                    + "(recording_id, tenant, day, audio_bytes, duration_seconds) VALUES (?, ?, ?, ?, ?) "
                    + "ON CONFLICT (recording_id) DO NOTHING")) {
                s.setString(1, e.recordingId());
                s.setString(2, e.tenant());
                s.setDate(3, Date.valueOf(day));
                s.setLong(4, Math.max(0, bytes));
                s.setDouble(5, seconds);
                return s.executeUpdate();
            }
        }, config.index().maxRetryInterval(), ex -> {
                count("db-retry");
                LOG.debugf("Usage of recording %s: %s; trying again", e.recordingId(), ex.getMessage());
            });
        } catch (DbException ex) {
            count("rejected");
            LOG.warnf("Usage of recording %s (tenant %s) refused by the database (%s): not counted",
                    e.recordingId(), e.tenant(), ex.getMessage());
            return;
        }
        count(inserted == 1 ? "counted" : "duplicate");
        LOG.debugf("Usage of recording %s (tenant %s): %s", e.recordingId(), e.tenant(),
                inserted == 1 ? "counted" : "already counted");
    }

    private static LocalDate day(CompletionEvent e) {
        for (String instant : new String[] {e.startedAt(), e.endedAt(), e.completedAt()}) {
            try {
                return Instant.parse(instant).atZone(ZoneOffset.UTC).toLocalDate();
            } catch (DateTimeParseException | NullPointerException ignored) {
                // try the next one
            }
        }
        return LocalDate.now(ZoneOffset.UTC);
    }

    private void count(String outcome) {
        registry.counter("callrec_catalog_usage_events_total", "outcome", outcome).increment();
    }
}
