package org.callrec.catalog.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.callrec.infra.EmbeddedPostgreSql;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * {@link Db#inTransactionRetrying}, what the at-least-once consumers (index, usage) store through,
 * against a real PostgreSQL behind a data source that fails its first connections as an
 * unreachable server does (SQLSTATE 08001).
 */
class DbRetryTest {

    private static EmbeddedPostgreSql postgres;
    private static PGSimpleDataSource real;

    private final FlakyDataSource flaky = new FlakyDataSource();
    private final Db db = new Db();
    private final List<String> retries = new ArrayList<>();

    @BeforeAll
    static void startPostgres() {
        postgres = EmbeddedPostgreSql.start();
        postgres.createDatabase("retry", "retry", "retry-pw");
        real = new PGSimpleDataSource();
        real.setUrl(postgres.jdbcUrl("retry"));
        real.setUser("retry");
        real.setPassword("retry-pw");
    }

    @AfterAll
    static void stopPostgres() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @BeforeEach
    void freshTable() throws SQLException {
        db.dataSource = flaky;
        try (Connection c = real.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS item");
            s.execute("CREATE TABLE item (id text PRIMARY KEY)");
        }
    }

    @Test
    @DisplayName("while the server is unreachable the work is tried again, then committed once it answers")
    void retriesWhileTheServerIsUnreachableThenCommits() throws Exception {
        flaky.failNext(3, "08001");

        int inserted = db.inTransactionRetrying(tx -> insert(tx, "a"), Duration.ofMillis(200),
                e -> retries.add(e.sqlState()));

        assertThat(inserted).isEqualTo(1);
        assertThat(retries).containsExactly("08001", "08001", "08001");
        assertThat(ids()).containsExactly("a");
    }

    @Test
    @DisplayName("a failure without SQLSTATE (the pool's acquisition timeout) is tried again too")
    void retriesAFailureWithoutState() throws Exception {
        flaky.failNext(1, null);

        db.inTransactionRetrying(tx -> insert(tx, "b"), Duration.ofMillis(200), e -> retries.add("none"));

        assertThat(retries).containsExactly("none");
        assertThat(ids()).containsExactly("b");
    }

    @Test
    @DisplayName("a constraint violation is the data's fault: thrown at once, never tried again, nothing committed")
    void aConstraintViolationIsNotRetried() throws Exception {
        db.inTransaction(tx -> insert(tx, "dup"));

        assertThatThrownBy(() -> db.inTransactionRetrying(tx -> insert(tx, "dup") + insert(tx, "other"),
                Duration.ofMillis(200), e -> retries.add(e.sqlState())))
                .isInstanceOf(DbException.class)
                .satisfies(e -> assertThat(((DbException) e).sqlState()).isEqualTo("23505"));
        assertThat(retries).isEmpty();
        assertThat(ids()).containsExactly("dup");
    }

    @Test
    @DisplayName("an interrupt while waiting ends the retries with InterruptedException")
    void anInterruptEndsTheWait() {
        flaky.failNext(Integer.MAX_VALUE, "08006");

        // the service stopping interrupts the consumer's thread: here, from the retry callback
        assertThatThrownBy(() -> db.inTransactionRetrying(tx -> insert(tx, "c"), Duration.ofSeconds(30),
                e -> Thread.currentThread().interrupt()))
                .isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
        assertThat(flaky.attempts.get()).isEqualTo(1);
    }

    @Test
    @DisplayName("transient: any SQLSTATE but data (22) and integrity (23) failures, and none at all")
    void whatPassesByItself() {
        assertThat(Db.isTransient(failure("08001"))).isTrue();
        assertThat(Db.isTransient(failure("57P01"))).isTrue();
        assertThat(Db.isTransient(failure("40001"))).isTrue();
        assertThat(Db.isTransient(failure(null))).isTrue();
        assertThat(Db.isTransient(failure("23505"))).isFalse();
        assertThat(Db.isTransient(failure("22P02"))).isFalse();
    }

    private static DbException failure(String state) {
        return new DbException(new SQLException("failure", state));
    }

    private static int insert(Db.Tx tx, String id) throws SQLException {
        try (var s = tx.connection().prepareStatement("INSERT INTO item (id) VALUES (?)")) {
            s.setString(1, id);
            return s.executeUpdate();
        }
    }

    private static List<String> ids() throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection c = real.getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT id FROM item ORDER BY id")) {
            while (r.next()) {
                ids.add(r.getString(1));
            }
        }
        return ids;
    }

    /** The real data source, except that the next few connections fail with a given SQLSTATE. */
    private static final class FlakyDataSource implements DataSource {
        private final AtomicInteger failures = new AtomicInteger();
        private final AtomicInteger attempts = new AtomicInteger();
        private volatile String state;

        void failNext(int n, String sqlState) {
            state = sqlState;
            failures.set(n);
        }

        @Override
        public Connection getConnection() throws SQLException {
            attempts.incrementAndGet();
            if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new SQLException("connection refused (simulated)", state);
            }
            return real.getConnection();
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
