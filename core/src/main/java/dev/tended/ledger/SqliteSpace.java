package dev.tended.ledger;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConnection;

/**
 * How an SQLite ledger gives the space of deleted rows back to the file system. Without it a pruned
 * file keeps its size for ever (SQLite reuses free pages but never returns them). A file made with
 * {@code auto_vacuum=INCREMENTAL} can return free pages in small steps ({@code incremental_vacuum}),
 * each a short write; that mode can only be chosen before the file's first table, so an older file
 * (mode NONE) is converted once by a full {@code VACUUM} ({@code tended prune} does it).
 */
final class SqliteSpace {
  /** SQLite's value of {@code PRAGMA auto_vacuum} for incremental vacuum. */
  static final int INCREMENTAL = 2;

  private SqliteSpace() {}

  /**
   * Makes a new (missing or empty) ledger file that gives space back in steps and is in WAL mode:
   * the vacuum mode must be chosen before anything is written, and switching to WAL writes the
   * file's header, so the writer's usual open (which switches to WAL first) would fix mode NONE.
   */
  static void createIncremental(Path file) throws SQLException {
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = db.createStatement()) {
      st.execute("PRAGMA auto_vacuum = INCREMENTAL");
      st.execute("PRAGMA journal_mode = WAL");
    }
  }

  /** The file's {@code auto_vacuum} mode: 0 none, 1 full, 2 incremental. */
  static int autoVacuum(Connection db) throws SQLException {
    return pragmaLong(db, "auto_vacuum").intValue();
  }

  /** Free pages in the file and the page size: what a vacuum could give back. */
  static long freeBytes(Connection db) throws SQLException {
    return pragmaLong(db, "freelist_count") * pragmaLong(db, "page_size");
  }

  /** Gives back up to {@code pages} free pages (a short write); returns the bytes given back. */
  static long giveBack(Connection db, int pages) throws SQLException {
    long before = pragmaLong(db, "page_count");
    // Each step of this pragma frees one page, and JDBC's execute steps a statement without rows
    // once: sqlite3_exec runs it to its end, all pages in one transaction.
    db.unwrap(SQLiteConnection.class).getDatabase()._exec("PRAGMA incremental_vacuum(" + Math.max(1, pages) + ")");
    return (before - pragmaLong(db, "page_count")) * pragmaLong(db, "page_size");
  }

  /** Rewrites the whole file with incremental vacuum on (holds the write lock for the whole run). */
  static void convertToIncremental(Connection db) throws SQLException {
    try (Statement st = db.createStatement()) {
      st.execute("PRAGMA auto_vacuum = INCREMENTAL");
      st.execute("VACUUM");
    }
  }

  private static Long pragmaLong(Connection db, String pragma) throws SQLException {
    try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("PRAGMA " + pragma)) {
      return rs.next() ? rs.getLong(1) : 0L;
    }
  }
}
