package dev.tended.testkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tended.posix.ProcFs;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresServerTest {
  @TempDir Path dir;

  @BeforeEach
  void needsTheServerPrograms() {
    Assumptions.assumeTrue(PostgresServer.installed(),
        "Debian's PostgreSQL server is not installed (/usr/lib/postgresql/<major>/bin): apt-get install postgresql");
  }

  @Test
  void rowWrittenBeforeAStopIsReadAfterStartingAgainOnTheSamePort() throws Exception {
    try (PostgresServer pg = PostgresServer.start(dir)) {
      try (Connection c = connect(pg, pg.jdbcUrl()); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE item (id INT PRIMARY KEY, title TEXT NOT NULL)");
        s.execute("INSERT INTO item VALUES (1, 'first')");
        assertThat(titles(s)).containsExactly("first");
      }
      int port = pg.port();

      pg.stop();
      assertThatThrownBy(() -> connect(pg, pg.jdbcUrl()).close()).isInstanceOf(SQLException.class);

      pg.startAgain();
      assertThat(pg.port()).isEqualTo(port);
      assertThat(pg.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + port + "/tended");
      try (Connection c = connect(pg, pg.jdbcUrl()); Statement s = c.createStatement()) {
        assertThat(titles(s)).containsExactly("first");
      }
    }
  }

  @Test
  void createdDatabaseIsEmptyAndApartFromTheDefaultOne() throws Exception {
    try (PostgresServer pg = PostgresServer.start(dir)) {
      try (Connection c = connect(pg, pg.jdbcUrl()); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE item (id INT PRIMARY KEY, title TEXT NOT NULL)");
      }
      String url = pg.createDatabase("ledger_test");

      assertThat(url).endsWith("/ledger_test");
      try (Connection c = connect(pg, url); Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT count(*) FROM pg_tables WHERE tablename = 'item'")) {
        r.next();
        assertThat(r.getInt(1)).isZero();
      }
      assertThatThrownBy(() -> pg.createDatabase("bad; DROP")).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void closeLeavesNoProcessOfTheServerBehindEvenWithAClientConnected() throws Exception {
    PostgresServer pg = PostgresServer.start(dir);
    Connection client = connect(pg, pg.jdbcUrl());
    ProcessHandle server = pg.process().orElseThrow();
    List<ProcessHandle> all = Stream.concat(Stream.of(server), server.descendants()).toList();
    assertThat(all).hasSizeGreaterThan(1);
    assertThat(processesNaming(dir)).isNotEmpty();

    pg.close();
    pg.close();

    assertThat(all).noneMatch(ProcessHandle::isAlive);
    assertThat(processesNaming(dir)).isEmpty();
    assertThat(pg.process()).isEmpty();
    assertThatThrownBy(pg::startAgain).isInstanceOf(IllegalStateException.class);
    assertThat(client.isValid(1)).isFalse();
    client.close();
  }

  private static Connection connect(PostgresServer pg, String url) throws SQLException {
    return DriverManager.getConnection(url, pg.user(), "");
  }

  private static List<String> titles(Statement s) throws SQLException {
    try (ResultSet r = s.executeQuery("SELECT title FROM item ORDER BY id")) {
      List<String> titles = new java.util.ArrayList<>();
      while (r.next()) {
        titles.add(r.getString(1));
      }
      return titles;
    }
  }

  /** What {@code pgrep -f DIR} finds: the processes whose command line holds {@code dir}. */
  private static List<Long> processesNaming(Path dir) {
    String name = dir.toAbsolutePath().toString();
    return ProcessHandle.allProcesses().map(ProcessHandle::pid)
        .filter(pid -> ProcFs.cmdline(pid).map(c -> c.contains(name)).orElse(false)).toList();
  }
}
