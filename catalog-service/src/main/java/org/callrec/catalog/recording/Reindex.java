package org.callrec.catalog.recording;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.callrec.catalog.config.CatalogConfig;
import org.callrec.catalog.db.Db;
import org.callrec.catalog.objectstore.ObjectStore;
import org.callrec.catalog.problem.ProblemException;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.ShutdownEvent;

/**
 * Rebuilds the index from the bucket(s): every metadata document ({@code *.json}) is indexed as a
 * completion event would index it, and every hold marker ({@code *.hold.json}) puts its recording
 * back under hold; so losing the database loses nothing. Reads {@code catalog.s3.bucket} and every
 * bucket a tenant's placement names. One run at a time per replica, in its own thread; its
 * progress is in {@code reindex_runs}.
 */
@ApplicationScoped
public class Reindex {

    private static final Logger LOG = Logger.getLogger(Reindex.class);

    /** A run and its progress. */
    public record Run(long id, String state, Instant startedAt, Instant finishedAt, String startedBy, long scanned,
                      long indexed, long skipped, String error) {
    }

    @Inject
    Db db;
    @Inject
    ObjectStore store;
    @Inject
    RecordingIndex index;
    @Inject
    CatalogConfig config;
    @Inject
    ObjectMapper mapper;

    private Thread thread;

    /** Starts a run; 409 ({@code reindex-running}) while one runs. */
    public synchronized Run start(String startedBy) {
        if (thread != null && thread.isAlive()) {
            throw ProblemException.conflict("reindex-running", "a reindex is running", List.of());
        }
        long id = db.inTransaction(tx -> {
            try (PreparedStatement s = tx.connection().prepareStatement(
                    "INSERT INTO reindex_runs (started_by, state) VALUES (?, 'running') RETURNING id")) {
                s.setString(1, startedBy);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
        thread = new Thread(() -> run(id), "reindex-" + id);
        thread.setDaemon(true);
        thread.start();
        return find(id).orElseThrow();
    }

    void stop(@Observes ShutdownEvent event) {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    /** The latest run, if there was one. */
    public Optional<Run> latest() {
        return query("SELECT * FROM reindex_runs ORDER BY id DESC LIMIT 1", null);
    }

    public Optional<Run> find(long id) {
        return query("SELECT * FROM reindex_runs WHERE id = ?", id);
    }

    private void run(long id) {
        long scanned = 0;
        long indexed = 0;
        long skipped = 0;
        try {
            for (String bucket : buckets()) {
                List<String> holds = new ArrayList<>();
                Iterator<String> keys = store.keys(bucket);
                while (keys.hasNext()) {
                    if (Thread.currentThread().isInterrupted()) {
                        throw new InterruptedException();
                    }
                    String key = keys.next();
                    if (key.endsWith(Recording.HOLD_MARKER_SUFFIX)) {
                        holds.add(key);
                        continue;
                    }
                    if (!key.endsWith(".json")) {
                        continue;
                    }
                    scanned++;
                    Optional<byte[]> doc;
                    try {
                        doc = store.read(bucket, key, config.index().maxMetadataBytes());
                    } catch (ObjectStore.TooLarge e) {
                        doc = Optional.empty();
                    }
                    RecordingIndex.Outcome o = doc.isEmpty() ? RecordingIndex.Outcome.INVALID
                            : index.index(doc.get(), bucket);
                    if (o == RecordingIndex.Outcome.INDEXED || o == RecordingIndex.Outcome.REFRESHED) {
                        indexed++;
                    } else {
                        skipped++;
                    }
                    if (scanned % 500 == 0) {
                        progress(id, "running", scanned, indexed, skipped, null);
                    }
                }
                for (String marker : holds) {
                    restoreHold(bucket, marker);
                }
            }
            progress(id, "done", scanned, indexed, skipped, null);
            LOG.infof("Reindex %d done: %d documents, %d indexed, %d skipped", id, scanned, indexed, skipped);
        } catch (InterruptedException e) {
            progress(id, "failed", scanned, indexed, skipped, "interrupted (service stopping)");
        } catch (RuntimeException e) {
            LOG.warnf("Reindex %d failed: %s", id, e.getMessage());
            progress(id, "failed", scanned, indexed, skipped, e.getMessage());
        }
    }

    private void restoreHold(String bucket, String marker) {
        Optional<byte[]> body = store.read(bucket, marker, 64 * 1024);
        if (body.isEmpty()) {
            return;
        }
        JsonNode m;
        try {
            m = mapper.readTree(body.get());
        } catch (java.io.IOException e) {
            return;
        }
        String metadataKey = marker.substring(0, marker.length() - Recording.HOLD_MARKER_SUFFIX.length()) + ".json";
        Instant at;
        try {
            at = Instant.parse(m.path("heldAt").asText(""));
        } catch (RuntimeException e) {
            at = Instant.now();
        }
        Instant heldAt = at;
        db.inTransaction(tx -> {
            try (PreparedStatement s = tx.connection().prepareStatement("UPDATE recordings SET held_at = ?, "
                    + "held_by = ?, hold_reason = ? WHERE metadata_key = ? AND bucket = ? AND held_at IS NULL")) {
                s.setTimestamp(1, Timestamp.from(heldAt));
                s.setString(2, m.path("heldBy").asText("unknown"));
                s.setString(3, m.path("reason").asText(""));
                s.setString(4, metadataKey);
                s.setString(5, bucket);
                return s.executeUpdate();
            }
        });
    }

    private Set<String> buckets() {
        Set<String> out = new LinkedHashSet<>();
        out.add(store.bucket());
        db.inTransaction(tx -> {
            try (PreparedStatement s = tx.connection().prepareStatement(
                    "SELECT DISTINCT placement_bucket FROM tenants WHERE placement_bucket IS NOT NULL");
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return null;
        });
        return out;
    }

    private void progress(long id, String state, long scanned, long indexed, long skipped, String error) {
        db.inTransaction(tx -> {
            try (PreparedStatement s = tx.connection().prepareStatement("UPDATE reindex_runs SET state = ?, "
                    + "scanned = ?, indexed = ?, skipped = ?, error = ?, "
                    + "finished_at = CASE WHEN ? = 'running' THEN NULL ELSE now() END WHERE id = ?")) {
                s.setString(1, state);
                s.setLong(2, scanned);
                s.setLong(3, indexed);
                s.setLong(4, skipped);
                s.setString(5, error == null ? null : error.substring(0, Math.min(500, error.length())));
                s.setString(6, state);
                s.setLong(7, id);
                return s.executeUpdate();
            }
        });
    }

    private Optional<Run> query(String sql, Long id) {
        return db.inTransaction(tx -> {
            try (PreparedStatement s = tx.connection().prepareStatement(sql)) {
                if (id != null) {
                    s.setLong(1, id);
                }
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    Timestamp fin = rs.getTimestamp("finished_at");
                    return Optional.of(new Run(rs.getLong("id"), rs.getString("state"),
                            rs.getTimestamp("started_at").toInstant(), fin == null ? null : fin.toInstant(),
                            rs.getString("started_by"), rs.getLong("scanned"), rs.getLong("indexed"),
                            rs.getLong("skipped"), rs.getString("error")));
                }
            }
        });
    }

}
