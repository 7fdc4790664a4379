package org.callrec.catalog.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

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

    /** The data source, for work outside a transaction (the publisher's lock connection). */
    public DataSource dataSource() {
        return dataSource;
    }
}
