package dev.tended.worker.source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Creates the tables of Quartz's JDBC job store in the ledger's database when they are missing, from
 * the PostgreSQL script Quartz ships in its jar, so they always match the Quartz the worker runs.
 * That script begins by dropping every Quartz table: run as it is, a node starting would wipe the
 * state of a running cluster. So only its {@code CREATE TABLE} and {@code CREATE INDEX} statements
 * run (any other statement is refused), only when none of the tables exists, in one transaction under
 * a transaction-scoped advisory lock: of several nodes starting at the same moment one creates them
 * and the others find them made. Tables that exist only in part are left alone and reported.
 */
final class QuartzTables {
  static final String SCRIPT = "org/quartz/impl/jdbcjobstore/tables_postgres.sql";
  /** Distinct from the ledger's migration lock ("tended"): "qrtz". */
  private static final long CREATE_LOCK = 0x7172_747aL;
  static final List<String> TABLES = List.of("qrtz_job_details", "qrtz_triggers", "qrtz_simple_triggers",
      "qrtz_cron_triggers", "qrtz_simprop_triggers", "qrtz_blob_triggers", "qrtz_calendars",
      "qrtz_paused_trigger_grps", "qrtz_fired_triggers", "qrtz_scheduler_state", "qrtz_locks");

  private QuartzTables() {}

  /**
   * Makes sure Quartz's tables exist; true when this call created them.
   *
   * @throws SQLException when the database refuses, or only some of the tables exist
   */
  static boolean ensure(Connection db) throws SQLException {
    boolean autoCommit = db.getAutoCommit();
    db.setAutoCommit(false);
    try {
      try (Statement st = db.createStatement()) {
        st.execute("SELECT pg_advisory_xact_lock(" + CREATE_LOCK + ")");
      }
      List<String> missing = missing(db);
      if (missing.isEmpty()) {
        db.commit();
        return false;
      }
      if (missing.size() != TABLES.size()) {
        throw new SQLException("Quartz's tables exist only in part (missing: " + String.join(", ", missing)
            + "); not creating them over a cluster's state: restore or drop them by hand");
      }
      try (Statement st = db.createStatement()) {
        for (String sql : statements()) {
          st.execute(sql);
        }
      }
      db.commit();
      return true;
    } catch (SQLException | RuntimeException e) {
      db.rollback();
      throw e;
    } finally {
      db.setAutoCommit(autoCommit);
    }
  }

  /** The script's CREATE statements, in order; refuses a script with anything else but DROP and COMMIT. */
  static List<String> statements() throws SQLException {
    String script;
    try (InputStream in = QuartzTables.class.getClassLoader().getResourceAsStream(SCRIPT)) {
      if (in == null) {
        throw new SQLException("Quartz's " + SCRIPT + " is not on the class path");
      }
      script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SQLException("read " + SCRIPT + ": " + e.getMessage(), e);
    }
    StringBuilder code = new StringBuilder();
    for (String line : script.split("\n")) {
      if (!line.strip().startsWith("--")) {
        code.append(line).append('\n');
      }
    }
    List<String> out = new ArrayList<>();
    for (String raw : code.toString().split(";")) {
      String sql = raw.strip();
      String head = sql.toUpperCase(Locale.ROOT);
      if (sql.isEmpty() || head.startsWith("DROP TABLE IF EXISTS ") || head.equals("COMMIT")) {
        continue;
      }
      if (!head.startsWith("CREATE TABLE ") && !head.startsWith("CREATE INDEX ")) {
        throw new SQLException(SCRIPT + ": unexpected statement, not run: " + sql.lines().findFirst().orElse(sql));
      }
      out.add(sql);
    }
    return out;
  }

  private static List<String> missing(Connection db) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement st = db.prepareStatement("SELECT to_regclass(?) IS NULL")) {
      for (String table : TABLES) {
        st.setString(1, table);
        try (ResultSet rs = st.executeQuery()) {
          rs.next();
          if (rs.getBoolean(1)) {
            out.add(table);
          }
        }
      }
    }
    return out;
  }
}
