package org.callrec.catalog.tenant;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.callrec.catalog.tenant.Tenant.Limits;
import org.callrec.core.registry.StoragePlacement;

/** SQL of table {@code tenants}; every method works on the caller's connection (transaction). */
public final class TenantStore {

    /** A stored tenant and its version (the ETag). */
    public record Stored(Tenant tenant, long version) {
    }

    private static final String COLUMNS = "id, name, status, allowed_networks, concurrent_recordings, "
            + "max_recording_seconds, retention_days, placement_bucket, placement_prefix, placement_kms_key_id, "
            + "unknown_devices, created_at, updated_at, version";

    private TenantStore() {
    }

    /** The tenant; {@code forUpdate} locks its row until the transaction ends. */
    public static Optional<Stored> find(Connection c, String id, boolean forUpdate) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM tenants WHERE id = ?"
                + (forUpdate ? " FOR UPDATE" : ""))) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(row(r)) : Optional.empty();
            }
        }
    }

    /** Tenants after {@code afterId} (null: from the start) in id order, at most {@code limit}. */
    public static List<Stored> list(Connection c, String afterId, int limit) throws SQLException {
        List<Stored> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM tenants WHERE id > ? ORDER BY id LIMIT ?")) {
            s.setString(1, afterId == null ? "" : afterId);
            s.setInt(2, limit);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(row(r));
                }
            }
        }
        return out;
    }

    /** Inserts; false when the id is taken. */
    public static boolean insert(Connection c, TenantInput t) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO tenants (name, status, allowed_networks, "
                + "concurrent_recordings, max_recording_seconds, retention_days, placement_bucket, placement_prefix, "
                + "placement_kms_key_id, unknown_devices, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (id) DO NOTHING")) {
            bind(c, s, t);
            return s.executeUpdate() == 1;
        }
    }

    /** Updates every writable column and bumps the version. */
    public static void update(Connection c, TenantInput t) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE tenants SET name = ?, status = ?, allowed_networks = ?, "
                + "concurrent_recordings = ?, max_recording_seconds = ?, retention_days = ?, placement_bucket = ?, "
                + "placement_prefix = ?, placement_kms_key_id = ?, unknown_devices = ?, version = version + 1, "
                + "updated_at = now() WHERE id = ?")) {
            bind(c, s, t);
            s.executeUpdate();
        }
    }

    /** Deletes the tenant (its devices and keys go by ON DELETE CASCADE). */
    public static void delete(Connection c, String id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM tenants WHERE id = ?")) {
            s.setString(1, id);
            s.executeUpdate();
        }
    }

    private static void bind(Connection c, PreparedStatement s, TenantInput t) throws SQLException {
        s.setString(1, t.name());
        s.setString(2, t.status());
        s.setArray(3, c.createArrayOf("text", t.allowedNetworks().toArray()));
        setInt(s, 4, t.limits().concurrentRecordings());
        setInt(s, 5, t.limits().maxRecordingSeconds());
        setInt(s, 6, t.retentionDays());
        s.setString(7, t.placement().bucket());
        s.setString(8, t.placement().prefix());
        s.setString(9, t.placement().kmsKeyId());
        s.setString(10, t.unknownDevices());
        s.setString(11, t.id());
    }

    private static void setInt(PreparedStatement s, int i, Integer v) throws SQLException {
        if (v == null) {
            s.setNull(i, Types.INTEGER);
        } else {
            s.setInt(i, v);
        }
    }

    private static Integer getInt(ResultSet r, String column) throws SQLException {
        int v = r.getInt(column);
        return r.wasNull() ? null : v;
    }

    private static Stored row(ResultSet r) throws SQLException {
        List<String> networks = Arrays.stream((Object[]) r.getArray("allowed_networks").getArray())
                .map(String::valueOf).toList();
        Tenant t = new Tenant(r.getString("id"), r.getString("name"), r.getString("status"), networks,
                new Limits(getInt(r, "concurrent_recordings"), getInt(r, "max_recording_seconds")),
                getInt(r, "retention_days"),
                new StoragePlacement(r.getString("placement_bucket"), r.getString("placement_prefix"),
                        r.getString("placement_kms_key_id")),
                r.getString("unknown_devices"), r.getTimestamp("created_at").toInstant(),
                r.getTimestamp("updated_at").toInstant());
        return new Stored(t, r.getLong("version"));
    }
}
