package org.callrec.catalog.auth;

import java.security.SecureRandom;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.callrec.catalog.db.Db;
import org.callrec.catalog.db.DbException;
import org.callrec.core.auth.BearerTokens;

/**
 * Tenant API keys in table {@code api_keys}: a key is {@value #PREFIX} and 43 base64url characters
 * (256 random bits), recognisable in a leaked log or repository; stored as its SHA-256 only, so
 * the catalog can check a key but never show it again.
 */
@ApplicationScoped
public class ApiKeyStore {

    /** Every tenant key starts with this. */
    public static final String PREFIX = "crk_";

    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    Db db;

    /** Creates a key for {@code tenant} (which must exist) and returns it with its secret. */
    public ApiKey create(Connection c, String tenant, Set<Scope> scopes) throws SQLException {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String key = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        byte[] idBytes = new byte[8];
        RANDOM.nextBytes(idBytes);
        String id = "key_" + HexFormat.of().formatHex(idBytes);
        List<String> wire = scopes.stream().sorted().map(Scope::wire).toList();
        Instant now;
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO api_keys (id, tenant, key_hash, scopes) VALUES (?, ?, ?, ?) RETURNING created_at")) {
            s.setString(1, id);
            s.setString(2, tenant);
            s.setBytes(3, BearerTokens.digest(key));
            s.setArray(4, c.createArrayOf("text", wire.toArray()));
            try (ResultSet r = s.executeQuery()) {
                r.next();
                now = r.getTimestamp(1).toInstant();
            }
        }
        return new ApiKey(id, tenant, key, wire, now);
    }

    /** The tenant's keys, without secrets, oldest first. */
    public List<ApiKey> list(Connection c, String tenant) throws SQLException {
        List<ApiKey> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT id, scopes, created_at FROM api_keys WHERE tenant = ? ORDER BY created_at, id")) {
            s.setString(1, tenant);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new ApiKey(r.getString(1), tenant, null, scopes(r.getArray(2)),
                            r.getTimestamp(3).toInstant()));
                }
            }
        }
        return out;
    }

    /** Revokes a key of {@code tenant}; whether it existed. */
    public boolean delete(Connection c, String tenant, String id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM api_keys WHERE tenant = ? AND id = ?")) {
            s.setString(1, tenant);
            s.setString(2, id);
            return s.executeUpdate() == 1;
        }
    }

    /** The caller a presented tenant key stands for, if it is one (a hash lookup: no key is ever compared in the clear). */
    public Optional<Caller> authenticate(String key) {
        if (!key.startsWith(PREFIX) || key.length() > 128) {
            return Optional.empty();
        }
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("SELECT id, tenant, scopes FROM api_keys WHERE key_hash = ?")) {
            s.setBytes(1, BearerTokens.digest(key));
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                Set<Scope> scopes = EnumSet.noneOf(Scope.class);
                scopes(r.getArray(3)).forEach(w -> Scope.of(w).ifPresent(scopes::add));
                return Optional.of(new Caller(r.getString(2), Set.copyOf(scopes), r.getString(1)));
            }
        } catch (SQLException e) {
            throw new DbException(e);
        }
    }

    private static List<String> scopes(Array array) throws SQLException {
        return Arrays.stream((Object[]) array.getArray()).map(String::valueOf).toList();
    }

}
