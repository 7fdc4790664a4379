package org.callrec.catalog.db;

import java.sql.SQLException;

/** An SQL failure, unchecked; answered as a 500 or 503 problem, logged once. */
public class DbException extends RuntimeException {

    public DbException(SQLException cause) {
        super(cause.getMessage(), cause);
    }

    /** The SQLSTATE of the failure, e.g. {@code 23505} for a unique violation. */
    public String sqlState() {
        return ((SQLException) getCause()).getSQLState();
    }
}
