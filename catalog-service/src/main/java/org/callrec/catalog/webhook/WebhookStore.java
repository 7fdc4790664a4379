package org.callrec.catalog.webhook;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.security.SecureRandom;

/** Tables {@code webhooks} and {@code webhook_deliveries}, read and written in the caller's transaction. */
final class WebhookStore {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String COLUMNS = "id, tenant, url, events, enabled, created_at, updated_at";
    private static final String DELIVERY_COLUMNS = "id, event_id, event_type, state, attempts, last_status, last_error, "
            + "created_at, delivered_at, next_attempt_at";

    private WebhookStore() {
    }

    /** Inserts a webhook with a new id and secret; the answer carries the secret. */
    static Webhook create(Connection c, String tenant, String url, List<String> events, boolean enabled)
            throws SQLException {
        byte[] idBytes = new byte[8];
        RANDOM.nextBytes(idBytes);
        String id = "wh_" + HexFormat.of().formatHex(idBytes);
        String secret = WebhookSignature.newSecret();
        try (PreparedStatement s = c.prepareStatement("INSERT INTO webhooks (id, tenant, url, secret, events, enabled) "
                + "VALUES (?, ?, ?, ?, ?, ?) RETURNING " + COLUMNS)) {
            s.setString(1, id);
            s.setString(2, tenant);
            s.setString(3, url);
            s.setString(4, secret);
            s.setArray(5, c.createArrayOf("text", events.toArray()));
            s.setBoolean(6, enabled);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                Webhook w = row(r);
                return new Webhook(w.id(), w.tenant(), w.url(), w.events(), w.enabled(), w.createdAt(), w.updatedAt(),
                        secret, w.version());
            }
        }
    }

    static int count(Connection c, String tenant) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM webhooks WHERE tenant = ?")) {
            s.setString(1, tenant);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        }
    }

    /** The tenant's webhooks (without secrets), oldest first. */
    static List<Webhook> list(Connection c, String tenant) throws SQLException {
        List<Webhook> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS
                + " FROM webhooks WHERE tenant = ? ORDER BY created_at, id")) {
            s.setString(1, tenant);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(row(r));
                }
            }
        }
        return out;
    }

    /** The webhook {@code id} of {@code tenant} (without secret); empty for another tenant's. */
    static Optional<Webhook> find(Connection c, String tenant, String id, boolean forUpdate) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM webhooks WHERE tenant = ? AND id = ?"
                + (forUpdate ? " FOR UPDATE" : ""))) {
            s.setString(1, tenant);
            s.setString(2, id);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(row(r)) : Optional.empty();
            }
        }
    }

    static Webhook update(Connection c, String tenant, String id, String url, List<String> events, boolean enabled)
            throws SQLException {
        // clock_timestamp(): two changes in one transaction still get two versions
        try (PreparedStatement s = c.prepareStatement("UPDATE webhooks SET url = ?, events = ?, enabled = ?, "
                + "updated_at = greatest(clock_timestamp(), updated_at + interval '1 microsecond') "
                + "WHERE tenant = ? AND id = ? RETURNING " + COLUMNS)) {
            s.setString(1, url);
            s.setArray(2, c.createArrayOf("text", events.toArray()));
            s.setBoolean(3, enabled);
            s.setString(4, tenant);
            s.setString(5, id);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return row(r);
            }
        }
    }

    static boolean delete(Connection c, String tenant, String id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM webhooks WHERE tenant = ? AND id = ?")) {
            s.setString(1, tenant);
            s.setString(2, id);
            return s.executeUpdate() == 1;
        }
    }

    /** Deliveries of a webhook with an id below {@code beforeId} (null: from the newest), newest first. */
    static List<Delivery> deliveries(Connection c, String webhookId, Long beforeId, int limit) throws SQLException {
        List<Delivery> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT " + DELIVERY_COLUMNS + " FROM webhook_deliveries "
                + "WHERE webhook_id = ? AND id < ? ORDER BY id DESC LIMIT ?")) {
            s.setString(1, webhookId);
            s.setLong(2, beforeId == null ? Long.MAX_VALUE : beforeId);
            s.setInt(3, limit);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    String state = r.getString(4);
                    int status = r.getInt(6);
                    Integer lastStatus = r.wasNull() ? null : status;
                    out.add(new Delivery(r.getLong(1), r.getString(2), r.getString(3), state, r.getInt(5), lastStatus,
                            r.getString(7), instant(r.getTimestamp(8)), instant(r.getTimestamp(9)),
                            "pending".equals(state) ? instant(r.getTimestamp(10)) : null));
                }
            }
        }
        return out;
    }

    private static Webhook row(ResultSet r) throws SQLException {
        Array events = r.getArray(4);
        Instant updated = r.getTimestamp(7).toInstant();
        return new Webhook(r.getString(1), r.getString(2), r.getString(3),
                Arrays.asList((String[]) events.getArray()), r.getBoolean(5), r.getTimestamp(6).toInstant(), updated,
                null, ChronoUnit.MICROS.between(Instant.EPOCH, updated));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
