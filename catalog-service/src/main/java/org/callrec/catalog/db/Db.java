package org.callrec.catalog.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Plain JDBC transactions on the service's data source: {@link #inTransaction} commits when the
 * work returns, rolls back when it throws, and runs the work's {@link Tx#afterCommit} actions
 * only after a commit (the outbox publisher is woken that way).
 */
@ApplicationScoped
public class Db {

    /** Work inside a transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Tx tx) throws SQLException;
    }

    /** A transaction in progress: its connection and what to do once it committed. */
    public static final class Tx {
        private final Connection connection;
        private final List<Runnable> afterCommit = new ArrayList<>();

        Tx(Connection connection) {
            this.connection = connection;
        }

        public Connection connection() {
            return connection;
        }

        /** Runs {@code action} after the commit; never when the transaction rolls back. */
        public void afterCommit(Runnable action) {
            afterCommit.add(action);
        }
    }

    @Inject
    DataSource dataSource;

    /**
     * Runs {@code work} in one transaction (read committed).
     *
     * @throws DbException for an SQL failure; a runtime exception of the work passes through
     */
    public <T> T inTransaction(Work<T> work) {
        Tx tx;
        T result;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            tx = new Tx(c);
            try {
                result = work.run(tx);
                c.commit();
            } catch (SQLException | RuntimeException | Error e) {
                try {
                    c.rollback();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new DbException(e);
        }
        tx.afterCommit.forEach(Runnable::run);
        return result;
    }

    /** The first wait of {@link #inTransactionRetrying}; each further wait doubles it. */
    static final Duration FIRST_RETRY_WAIT = Duration.ofMillis(100);

    /**
     * Runs {@code work} like {@link #inTransaction}, and while it fails in a way that passes by
     * itself ({@link #isTransient}: the database unreachable or restarting, no connection free, a
     * serialization conflict) tries again after a wait that starts at 100 ms and doubles up to
     * {@code maxWait}, calling {@code onRetry} before each wait. For the consumers of at-least-once
     * channels: they must not move past an event they could not store.
     *
     * @throws DbException for a failure of the data itself, which no retry mends
     * @throws InterruptedException when interrupted while waiting (the service stops)
     */
    public <T> T inTransactionRetrying(Work<T> work, Duration maxWait, Consumer<DbException> onRetry)
            throws InterruptedException {
        long wait = FIRST_RETRY_WAIT.toMillis();
        long max = Math.max(wait, maxWait.toMillis());
        while (true) {
            try {
                return inTransaction(work);
            } catch (DbException e) {
                if (!isTransient(e)) {
                    throw e;
                }
                onRetry.accept(e);
                Thread.sleep(wait);
                wait = Math.min(max, wait * 2);
            }
        }
    }

    /**
     * Whether a failure may pass without the data changing: anything but a data exception
     * (SQLSTATE class 22) or an integrity constraint violation (class 23), which the same data
     * meets again on every try. A failure without a SQLSTATE (the pool's acquisition timeout) passes.
     */
    public static boolean isTransient(DbException e) {
        String state = e.sqlState();
        return state == null || !(state.startsWith("22") || state.startsWith("23"));
    }

    /** The data source, for work outside a transaction (the publisher's lock connection). */
    public DataSource dataSource() {
        return dataSource;
    }
}
