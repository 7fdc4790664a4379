package org.callrec.catalog.webhook;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Queues an event for every enabled webhook of its tenant that asked for its type, in the
 * caller's transaction: the event goes out if and only if the change it announces committed.
 * The same event id is queued once per webhook (a replay changes nothing).
 */
@ApplicationScoped
public class WebhookOutbox {

    /** {@code recording.completed}: a recording entered the index. */
    public static final String RECORDING_COMPLETED = "recording.completed";
    /** {@code recording.deleted}: a recording was deleted (by a user or by retention). */
    public static final String RECORDING_DELETED = "recording.deleted";

    @Inject
    ObjectMapper mapper;

    /**
     * Queues {@code {"id","type","createdAt","tenant","data"}} for the tenant's webhooks.
     *
     * @param eventId stable id of the event ({@code rc-<recording>}, {@code rd-<recording>})
     */
    public void enqueue(Connection c, String tenant, String type, String eventId, Map<String, Object> data)
            throws SQLException {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("id", eventId);
        payload.put("type", type);
        payload.put("createdAt", Instant.now().toString());
        payload.put("tenant", tenant);
        payload.put("data", data);
        String body;
        try {
            body = mapper.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO webhook_deliveries "
                + "(webhook_id, tenant, event_id, event_type, payload) "
                + "SELECT id, tenant, ?, ?, ? FROM webhooks WHERE tenant = ? AND enabled AND ? = ANY (events) "
                + "ON CONFLICT (webhook_id, event_id) DO NOTHING")) {
            s.setString(1, eventId);
            s.setString(2, type);
            s.setString(3, body);
            s.setString(4, tenant);
            s.setString(5, type);
            s.executeUpdate();
        }
    }
}
