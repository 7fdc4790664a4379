package org.callrec.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgreSqlTest {

    @Test
    void createsADatabaseForAnApplicationRoleOnARandomPort() throws Exception {
        Path dataDir;
        try (EmbeddedPostgreSql pg = EmbeddedPostgreSql.start()) {
            dataDir = pg.dataDir();
            assertThat(pg.port()).isPositive();

            // The application's database and role; a second call changes nothing
            pg.createDatabase("callrec", "callrec", "s3cret-'quoted");
            pg.createDatabase("callrec", "callrec", "s3cret-'quoted");

            try (Connection c = DriverManager.getConnection(pg.jdbcUrl("callrec"), "callrec", "s3cret-'quoted");
                 Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (v int)");
                s.execute("INSERT INTO t VALUES (42)");
                try (ResultSet r = s.executeQuery("SELECT current_user, v FROM t")) {
                    assertThat(r.next()).isTrue();
                    assertThat(r.getString(1)).isEqualTo("callrec");
                    assertThat(r.getInt(2)).isEqualTo(42);
                }
            }
        }
        // a temporary data directory goes with the server
        assertThat(dataDir).doesNotExist();
    }

    @Test
    void keepsItsDataInAGivenDirectoryAcrossStarts(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("postgres");
        try (EmbeddedPostgreSql pg = EmbeddedPostgreSql.builder().dataDir(data).start()) {
            pg.createDatabase("kept", "kept", "pw");
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl("kept"), "kept", "pw");
                 Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (v int)");
                s.execute("INSERT INTO t VALUES (7)");
            }
        }
        assertThat(Files.exists(data.resolve("PG_VERSION"))).isTrue();

        // Started again on the same directory: the row is still there
        try (EmbeddedPostgreSql pg = EmbeddedPostgreSql.builder().dataDir(data).start()) {
            pg.createDatabase("kept", "kept", "pw");
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl("kept"), "kept", "pw");
                 Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT v FROM t")) {
                assertThat(r.next()).isTrue();
                assertThat(r.getInt(1)).isEqualTo(7);
            }
        }
    }

    @Test
    void refusesNamesThatWouldNeedQuoting() {
        try (EmbeddedPostgreSql pg = EmbeddedPostgreSql.start()) {
            assertThatThrownBy(() -> pg.createDatabase("x; DROP", "u", "p"))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
