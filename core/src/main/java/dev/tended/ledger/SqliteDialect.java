package dev.tended.ledger;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** The ledger's SQL on an SQLite file: one writer at a time, index hints, incremental vacuum. */
final class SqliteDialect implements SqlDialect {
  static final SqliteDialect INSTANCE = new SqliteDialect();

  private SqliteDialect() {}

  @Override
  public String indexedBy(String index) {
    return " INDEXED BY " + index;
  }

  @Override
  public String skipTaken() {
    return ""; // the claim's transaction holds the file's write lock
  }

  @Override
  public String randomToken() {
    return "lower(hex(randomblob(16)))";
  }

  @Override
  public String databaseMillis() {
    return "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";
  }

  @Override
  public String greatest() {
    return "MAX";
  }

  @Override
  public List<String> integrityProblems(Connection db) throws SQLException {
    List<String> problems = new ArrayList<>();
    try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("PRAGMA quick_check")) {
      while (rs.next()) {
        String line = rs.getString(1);
        if (!"ok".equalsIgnoreCase(line)) {
          problems.add(line);
        }
      }
    }
    return problems;
  }

  @Override
  public boolean givesSpaceBack(Connection db) throws SQLException {
    return SqliteSpace.autoVacuum(db) == SqliteSpace.INCREMENTAL;
  }

  @Override
  public long giveBackSpace(Connection db, int maxPages) throws SQLException {
    return givesSpaceBack(db) ? SqliteSpace.giveBack(db, maxPages) : 0L;
  }

  @Override
  public long convertToGiveSpaceBack(Connection db) throws SQLException {
    long before = pageBytes(db);
    SqliteSpace.convertToIncremental(db);
    return Math.max(0, before - pageBytes(db));
  }

  private static long pageBytes(Connection db) throws SQLException {
    try (var st = db.createStatement();
        var rs = st.executeQuery("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  @Override
  public List<PollerOwners.PollerOwner> pollers(Connection db) throws SQLException {
    return List.of(); // one worker polls every source of its file
  }

  @Override
  public int currentSchema() {
    return SqliteSchema.CURRENT;
  }
}
