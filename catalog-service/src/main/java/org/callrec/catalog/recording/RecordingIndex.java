package org.callrec.catalog.recording;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.callrec.catalog.db.Db;
import org.callrec.catalog.db.DbException;
import org.callrec.catalog.webhook.WebhookOutbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * Puts a recording's metadata document into the index, idempotently by recording id: the same
 * document twice (an event delivered again, a reindex) changes nothing; a recording deleted before
 * never comes back. A recording new to the index is announced to the tenant's webhooks
 * ({@code recording.completed}) in the same transaction. Outcomes are counted in
 * {@code callrec_catalog_index_total{outcome}}.
 */
@ApplicationScoped
public class RecordingIndex {

    /** What became of one document. */
    public enum Outcome { INDEXED, REFRESHED, DELETED_BEFORE, INVALID }

    @Inject
    Db db;
    @Inject
    ObjectMapper mapper;
    @Inject
    WebhookOutbox webhooks;
    @Inject
    MeterRegistry registry;

    /**
     * Indexes the document {@code json}, read from {@code bucket}.
     *
     * @throws DbException when the database fails
     */
    public Outcome index(byte[] json, String bucket) {
        Optional<Parsed> parsed = parse(json, bucket);
        if (parsed.isEmpty()) {
            return count(Outcome.INVALID);
        }
        Parsed p = parsed.get();
        return count(db.inTransaction(tx -> index(tx.connection(), p.entry(), p.text())));
    }

    /**
     * Indexes like {@link #index(byte[], String)}, trying again while the database fails in a way
     * that passes ({@link Db#inTransactionRetrying}): for the consumer of the completion events,
     * which must not move past a recording it could not index.
     *
     * @throws DbException when the database refuses the entry as data (no retry mends it)
     * @throws InterruptedException when interrupted while waiting to try again
     */
    public Outcome indexRetrying(byte[] json, String bucket, Duration maxWait, Consumer<DbException> onRetry)
            throws InterruptedException {
        Optional<Parsed> parsed = parse(json, bucket);
        if (parsed.isEmpty()) {
            return count(Outcome.INVALID);
        }
        Parsed p = parsed.get();
        return count(db.inTransactionRetrying(tx -> index(tx.connection(), p.entry(), p.text()), maxWait, onRetry));
    }

    private record Parsed(IndexEntry entry, String text) {}

    private Optional<Parsed> parse(byte[] json, String bucket) {
        try {
            JsonNode doc = mapper.readTree(json);
            return Optional.of(new Parsed(IndexEntry.parse(doc, bucket), doc.toString()));
        } catch (IOException | IndexEntry.Invalid e) {
            return Optional.empty();
        }
    }

    private Outcome index(Connection c, IndexEntry entry, String json) throws SQLException {
        RecordingStore.Upsert u = RecordingStore.upsert(c, entry, json);
        if (u == RecordingStore.Upsert.INSERTED) {
            Recording r = RecordingStore.find(c, entry.id(), false).orElseThrow();
            webhooks.enqueue(c, r.tenant(), WebhookOutbox.RECORDING_COMPLETED, "rc-" + r.id(),
                    mapper.convertValue(r, Map.class));
            return Outcome.INDEXED;
        }
        return u == RecordingStore.Upsert.UPDATED ? Outcome.REFRESHED : Outcome.DELETED_BEFORE;
    }

    private Outcome count(Outcome o) {
        registry.counter("callrec_catalog_index_total", "outcome", o.name().toLowerCase(java.util.Locale.ROOT))
                .increment();
        return o;
    }
}
