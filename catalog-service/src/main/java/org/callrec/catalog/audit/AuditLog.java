package org.callrec.catalog.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Appends to the audit trail ({@code audit_log}, append-only), in the caller's transaction: an
 * entry exists if and only if what it records committed. The action names are fixed
 * ({@link Action}).
 */
@ApplicationScoped
public class AuditLog {

    /** What was done. */
    public enum Action {
        RECORDING_LISTEN("recording.listen"),
        RECORDING_DOWNLOAD("recording.download"),
        RECORDING_DELETE("recording.delete"),
        RECORDING_EXPIRE("recording.expire"),
        RECORDING_HOLD("recording.hold"),
        RECORDING_RELEASE("recording.release"),
        TENANT_CREATE("tenant.create"),
        TENANT_UPDATE("tenant.update"),
        TENANT_DELETE("tenant.delete"),
        DEVICE_PUT("device.put"),
        DEVICE_DELETE("device.delete"),
        DEVICE_IMPORT("device.import"),
        KEY_CREATE("key.create"),
        KEY_REVOKE("key.revoke"),
        WEBHOOK_CREATE("webhook.create"),
        WEBHOOK_UPDATE("webhook.update"),
        WEBHOOK_DELETE("webhook.delete");

        private final String wire;

        Action(String wire) {
            this.wire = wire;
        }

        /** The name in the API, e.g. {@code recording.listen}. */
        public String wire() {
            return wire;
        }

        public static java.util.Optional<Action> of(String wire) {
            return java.util.Arrays.stream(values()).filter(a -> a.wire.equals(wire)).findFirst();
        }
    }

    @Inject
    ObjectMapper mapper;

    /**
     * Appends one entry.
     *
     * @param tenant the tenant the entry belongs to (whose admins see it)
     * @param actor  who did it ({@code operator}, {@code key:<id>}, {@code system:retention})
     * @param target what it was done to (a recording id, a MAC, a key id, a tenant id)
     * @param detail further facts (a reason, a range), as JSON members
     */
    public void record(Connection c, String tenant, String actor, Action action, String target,
                       Map<String, ?> detail) throws SQLException {
        String json;
        try {
            json = mapper.writeValueAsString(detail == null ? Map.of() : detail);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO audit_log (tenant, actor, action, target, detail) VALUES (?, ?, ?, ?, ?::jsonb)")) {
            s.setString(1, tenant);
            s.setString(2, actor);
            s.setString(3, action.wire());
            s.setString(4, target);
            s.setString(5, json);
            s.executeUpdate();
        }
    }
}
