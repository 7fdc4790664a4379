package org.callrec.catalog.device;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.callrec.core.registry.DeviceEntry;

/**
 * SQL of table {@code devices}; every method works on the caller's connection (transaction).
 * Bulk writes pass whole columns as arrays ({@code unnest}): one statement and one round trip
 * for any number of rows.
 */
public final class DeviceStore {

    /** A stored device and its version (the ETag). */
    public record Stored(DeviceEntry device, long version) {
    }

    private static final String UPSERT = "INSERT INTO devices (mac, tenant, label, enabled) "
            + "SELECT u.mac, ?, u.label, u.enabled FROM unnest(?::text[], ?::text[], ?::boolean[]) AS u(mac, label, enabled) "
            + "ON CONFLICT (mac) DO UPDATE SET label = EXCLUDED.label, enabled = EXCLUDED.enabled, "
            + "version = devices.version + 1, updated_at = now() WHERE devices.tenant = EXCLUDED.tenant";

    private DeviceStore() {
    }

    /** The device with this MAC, whatever its tenant; {@code forUpdate} locks its row. */
    public static Optional<Stored> find(Connection c, String mac, boolean forUpdate) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT mac, tenant, label, enabled, version FROM devices "
                + "WHERE mac = ?" + (forUpdate ? " FOR UPDATE" : ""))) {
            s.setString(1, mac);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(row(r)) : Optional.empty();
            }
        }
    }

    /** The owning tenant of each of these MACs that is registered; locks those rows. */
    public static Map<String, String> owners(Connection c, List<String> macs) throws SQLException {
        Map<String, String> out = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT mac, tenant FROM devices WHERE mac = ANY(?::text[]) FOR UPDATE")) {
            s.setArray(1, c.createArrayOf("text", macs.toArray()));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.put(r.getString(1), r.getString(2));
                }
            }
        }
        return out;
    }

    /**
     * Inserts or updates the devices of {@code tenant}; a MAC another tenant owns is left alone.
     *
     * @return rows inserted or updated (fewer than given: another tenant owns some)
     */
    public static int upsert(Connection c, String tenant, List<DeviceEntry> devices) throws SQLException {
        int n = devices.size();
        String[] macs = new String[n];
        String[] labels = new String[n];
        Boolean[] enabled = new Boolean[n];
        for (int i = 0; i < n; i++) {
            macs[i] = devices.get(i).mac();
            labels[i] = devices.get(i).label();
            enabled[i] = devices.get(i).enabled();
        }
        try (PreparedStatement s = c.prepareStatement(UPSERT)) {
            s.setString(1, tenant);
            s.setArray(2, c.createArrayOf("text", macs));
            s.setArray(3, c.createArrayOf("text", labels));
            s.setArray(4, c.createArrayOf("boolean", enabled));
            return s.executeUpdate();
        }
    }

    /** Devices of {@code tenant} after {@code afterMac} (null: from the start) in MAC order, at most {@code limit}. */
    public static List<Stored> list(Connection c, String tenant, String afterMac, int limit) throws SQLException {
        List<Stored> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT mac, tenant, label, enabled, version FROM devices "
                + "WHERE tenant = ? AND mac > ? ORDER BY mac LIMIT ?")) {
            s.setString(1, tenant);
            s.setString(2, afterMac == null ? "" : afterMac);
            s.setInt(3, limit);
            s.setFetchSize(1000);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(row(r));
                }
            }
        }
        return out;
    }

    /** Deletes a device of {@code tenant}; whether it existed. */
    public static boolean delete(Connection c, String tenant, String mac) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM devices WHERE tenant = ? AND mac = ?")) {
            s.setString(1, tenant);
            s.setString(2, mac);
            return s.executeUpdate() == 1;
        }
    }

    private static Stored row(ResultSet r) throws SQLException {
        return new Stored(new DeviceEntry(r.getString(1), r.getString(2), r.getString(3), r.getBoolean(4)), r.getLong(5));
    }
}
