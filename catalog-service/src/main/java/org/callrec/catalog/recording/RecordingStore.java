package org.callrec.catalog.recording;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The SQL of the {@code recordings} table. */
final class RecordingStore {

    static final String COLUMNS = "id, tenant, device, direction, local_number, remote_number, codec, started_at, "
            + "ended_at, duration_seconds, stop_reason, intact, audio_bytes, bucket, metadata_key, audio_keys, "
            + "segment_bytes, held_at, held_by, hold_reason";

    /** What a search asks for; {@code null} members are not filtered on. */
    record Filter(String tenant, Instant from, Instant to, String device, String number, String direction,
                  Double minDuration, String stopReason, Boolean intact, Instant afterStart, String afterId,
                  int limit) {
    }

    /** Outcome of {@link #upsert}. */
    enum Upsert { INSERTED, UPDATED, DELETED_BEFORE }

    private RecordingStore() {
    }

    /**
     * Adds or refreshes a recording (its hold stays as it is), unless it was deleted: a deleted
     * recording never comes back from a replayed event.
     */
    static Upsert upsert(Connection c, IndexEntry e, String metadataJson) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO recordings (id, tenant, bucket, metadata_key, "
                + "audio_keys, segment_bytes, device, direction, local_number, remote_number, codec, started_at, "
                + "ended_at, duration_seconds, stop_reason, intact, audio_bytes, metadata) "
                + "SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb "
                + "WHERE NOT EXISTS (SELECT 1 FROM recordings_deleted WHERE id = ?) "
                + "ON CONFLICT (id) DO UPDATE SET tenant = EXCLUDED.tenant, bucket = EXCLUDED.bucket, "
                + "metadata_key = EXCLUDED.metadata_key, audio_keys = EXCLUDED.audio_keys, "
                + "segment_bytes = EXCLUDED.segment_bytes, device = EXCLUDED.device, direction = EXCLUDED.direction, "
                + "local_number = EXCLUDED.local_number, remote_number = EXCLUDED.remote_number, "
                + "codec = EXCLUDED.codec, started_at = EXCLUDED.started_at, ended_at = EXCLUDED.ended_at, "
                + "duration_seconds = EXCLUDED.duration_seconds, stop_reason = EXCLUDED.stop_reason, "
                + "intact = EXCLUDED.intact, audio_bytes = EXCLUDED.audio_bytes, metadata = EXCLUDED.metadata "
                + "RETURNING (xmax = 0) AS inserted")) {
            int i = 1;
            s.setString(i++, e.id());
            s.setString(i++, e.tenant());
            s.setString(i++, e.bucket());
            s.setString(i++, e.metadataKey());
            s.setArray(i++, c.createArrayOf("text", e.segments().stream().map(IndexEntry.Segment::key).toArray()));
            s.setArray(i++, c.createArrayOf("bigint", e.segments().stream().map(IndexEntry.Segment::bytes).toArray()));
            s.setString(i++, e.device());
            s.setString(i++, e.direction());
            s.setString(i++, e.localNumber());
            s.setString(i++, e.remoteNumber());
            s.setString(i++, e.codec());
            s.setTimestamp(i++, Timestamp.from(e.startedAt()));
            s.setTimestamp(i++, e.endedAt() == null ? null : Timestamp.from(e.endedAt()));
            s.setDouble(i++, e.durationSeconds());
            s.setString(i++, e.stopReason());
            s.setBoolean(i++, e.intact());
            s.setLong(i++, e.audioBytes());
            s.setString(i++, metadataJson);
            s.setString(i, e.id());
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Upsert.DELETED_BEFORE;
                }
                return rs.getBoolean(1) ? Upsert.INSERTED : Upsert.UPDATED;
            }
        }
    }

    static Optional<Recording> find(Connection c, String id, boolean forUpdate) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM recordings WHERE id = ?"
                + (forUpdate ? " FOR UPDATE" : ""))) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    /** The metadata document as indexed. */
    static Optional<String> metadata(Connection c, String id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT metadata::text FROM recordings WHERE id = ?")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** Newest first (start, then id, both descending), after the cursor's position. */
    static List<Recording> search(Connection c, Filter f) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM recordings WHERE true");
        List<Object> args = new ArrayList<>();
        if (f.tenant() != null) {
            sql.append(" AND tenant = ?");
            args.add(f.tenant());
        }
        if (f.from() != null) {
            sql.append(" AND started_at >= ?");
            args.add(Timestamp.from(f.from()));
        }
        if (f.to() != null) {
            sql.append(" AND started_at < ?");
            args.add(Timestamp.from(f.to()));
        }
        if (f.device() != null) {
            sql.append(" AND device = ?");
            args.add(f.device());
        }
        if (f.number() != null) {
            sql.append(" AND (local_number = ? OR remote_number = ?)");
            args.add(f.number());
            args.add(f.number());
        }
        if (f.direction() != null) {
            sql.append(" AND direction = ?");
            args.add(f.direction());
        }
        if (f.minDuration() != null) {
            sql.append(" AND duration_seconds >= ?");
            args.add(f.minDuration());
        }
        if (f.stopReason() != null) {
            sql.append(" AND stop_reason = ?");
            args.add(f.stopReason());
        }
        if (f.intact() != null) {
            sql.append(" AND intact = ?");
            args.add(f.intact());
        }
        if (f.afterStart() != null) {
            // the keyset condition in a form the (…, started_at DESC, id DESC) indexes serve
            sql.append(" AND started_at <= ? AND (started_at < ? OR id < ?)");
            args.add(Timestamp.from(f.afterStart()));
            args.add(Timestamp.from(f.afterStart()));
            args.add(f.afterId());
        }
        sql.append(" ORDER BY started_at DESC, id DESC LIMIT ?");
        args.add(f.limit());
        try (PreparedStatement s = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                s.setObject(i + 1, args.get(i));
            }
            List<Recording> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
            return out;
        }
    }

    static void setHold(Connection c, String id, Recording.Hold hold) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE recordings SET held_at = ?, held_by = ?, hold_reason = ? WHERE id = ?")) {
            s.setTimestamp(1, hold == null ? null : Timestamp.from(hold.heldAt()));
            s.setString(2, hold == null ? null : hold.heldBy());
            s.setString(3, hold == null ? null : hold.reason());
            s.setString(4, id);
            s.executeUpdate();
        }
    }

    /** Removes a recording from the index and remembers that it was deleted. */
    static void delete(Connection c, Recording r, String by, String reason) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM recordings WHERE id = ?")) {
            s.setString(1, r.id());
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO recordings_deleted (id, tenant, deleted_by, reason) "
                + "VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
            s.setString(1, r.id());
            s.setString(2, r.tenant());
            s.setString(3, by);
            s.setString(4, reason);
            s.executeUpdate();
        }
    }

    private static Recording row(ResultSet rs) throws SQLException {
        String[] keys = strings(rs.getArray("audio_keys"));
        Long[] sizes = longs(rs.getArray("segment_bytes"));
        List<IndexEntry.Segment> segments = new ArrayList<>(keys.length);
        for (int i = 0; i < keys.length; i++) {
            segments.add(new IndexEntry.Segment(keys[i], i < sizes.length && sizes[i] != null ? sizes[i] : 0));
        }
        Timestamp heldAt = rs.getTimestamp("held_at");
        Timestamp ended = rs.getTimestamp("ended_at");
        return new Recording(rs.getString("id"), rs.getString("tenant"), rs.getString("device"),
                rs.getString("direction"), rs.getString("local_number"), rs.getString("remote_number"),
                rs.getString("codec"), rs.getTimestamp("started_at").toInstant(),
                ended == null ? null : ended.toInstant(), rs.getDouble("duration_seconds"),
                rs.getString("stop_reason"), rs.getBoolean("intact"), rs.getLong("audio_bytes"),
                rs.getString("bucket"), rs.getString("metadata_key"), List.copyOf(segments),
                heldAt == null ? null : new Recording.Hold(heldAt.toInstant(), rs.getString("held_by"),
                        rs.getString("hold_reason")));
    }

    private static String[] strings(Array a) throws SQLException {
        return a == null ? new String[0] : (String[]) a.getArray();
    }

    private static Long[] longs(Array a) throws SQLException {
        return a == null ? new Long[0] : (Long[]) a.getArray();
    }
}
