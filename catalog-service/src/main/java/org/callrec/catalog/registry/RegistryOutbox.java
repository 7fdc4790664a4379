package org.callrec.catalog.registry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.callrec.catalog.db.Db.Tx;
import org.callrec.core.registry.DeviceEntry;
import org.callrec.core.registry.RegistryKeys;
import org.callrec.core.registry.TenantEntry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The write side of the transactional outbox: every change of a tenant or device adds, in the
 * transaction that makes it, a row of table {@code registry_outbox} with the registry record it
 * means (key {@link RegistryKeys}, value the JSON of the core entry, null for a tombstone). The
 * change and its record commit or roll back together; {@link OutboxPublisher} sends the rows in
 * order and deletes them once the broker has them. A commit wakes the publisher.
 */
@ApplicationScoped
public class RegistryOutbox {

    private static final String INSERT = "INSERT INTO registry_outbox (record_key, record_value) VALUES (?, ?)";

    @Inject
    ObjectMapper mapper;
    @Inject
    OutboxPublisher publisher;

    public void tenant(Tx tx, TenantEntry entry) throws SQLException {
        add(tx, RegistryKeys.tenant(entry.id()), json(entry));
    }

    public void tenantRemoved(Tx tx, String id) throws SQLException {
        add(tx, RegistryKeys.tenant(id), null);
    }

    /** Records for many devices in one statement (bulk import). */
    public void devices(Tx tx, Collection<DeviceEntry> entries) throws SQLException {
        List<String> keys = new ArrayList<>(entries.size());
        List<String> values = new ArrayList<>(entries.size());
        for (DeviceEntry e : entries) {
            keys.add(RegistryKeys.device(e.mac()));
            values.add(json(e));
        }
        addAll(tx, keys, values);
    }

    /** Tombstones for many devices in one statement (tenant deleted). */
    public void devicesRemoved(Tx tx, Collection<String> macs) throws SQLException {
        List<String> keys = new ArrayList<>(macs.size());
        List<String> values = new ArrayList<>(macs.size());
        for (String mac : macs) {
            keys.add(RegistryKeys.device(mac));
            values.add(null);
        }
        addAll(tx, keys, values);
    }

    public void device(Tx tx, DeviceEntry entry) throws SQLException {
        add(tx, RegistryKeys.device(entry.mac()), json(entry));
    }

    public void deviceRemoved(Tx tx, String mac) throws SQLException {
        add(tx, RegistryKeys.device(mac), null);
    }

    private void add(Tx tx, String key, String value) throws SQLException {
        try (PreparedStatement s = tx.connection().prepareStatement(INSERT)) {
            s.setString(1, key);
            s.setString(2, value);
            s.executeUpdate();
        }
        wakeAfter(tx);
    }

    /** Many rows in one statement, in list order (the sequence follows the ordinality). */
    private void addAll(Tx tx, List<String> keys, List<String> values) throws SQLException {
        if (keys.isEmpty()) {
            return;
        }
        Connection c = tx.connection();
        try (PreparedStatement s = c.prepareStatement("INSERT INTO registry_outbox (record_key, record_value) "
                + "SELECT u.k, u.v FROM unnest(?::text[], ?::text[]) WITH ORDINALITY AS u(k, v, n) ORDER BY u.n")) {
            s.setArray(1, c.createArrayOf("text", keys.toArray()));
            s.setArray(2, c.createArrayOf("text", values.toArray()));
            s.executeUpdate();
        }
        wakeAfter(tx);
    }

    private void wakeAfter(Tx tx) {
        tx.afterCommit(publisher::wake);
    }

    private String json(Object entry) {
        try {
            return mapper.writeValueAsString(entry);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("registry entry not serialisable", e);
        }
    }
}
