package dev.tended.ledger;

import dev.tended.io.DataFolder;
import dev.tended.io.IoErrors;
import dev.tended.io.PlantedLinkException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/**
 * Opens connections to a ledger file, the two ways it is used. A writer: WAL, {@code synchronous=FULL}
 * (a commit is on disk when it returns), foreign keys, transactions that take the write lock at their
 * start ({@code BEGIN IMMEDIATE}, so they wait for it in the busy handler instead of failing half-way).
 * A reader: opened with SQLite's read-only flag and {@code query_only}, so it can never write, run DDL
 * or take the write lock, and it works with read access alone:
 *
 * <ul>
 *   <li>While a writer has the file open (the {@code -wal} and {@code -shm} files exist) SQLite reads
 *       through them; it needs only read access to the database, {@code -wal} and {@code -shm} files.
 *   <li>When no writer has it open and the folder is not writable, SQLite cannot create {@code -shm}
 *       and refuses a plain read-only open. Then, and only when there is no {@code -wal} (so the
 *       database file holds every commit), it is opened {@code immutable=1}: no locks and no
 *       {@code -shm}. Should a worker start during such a read, its commits go to the new
 *       {@code -wal} and the read sees the state before them.
 * </ul>
 */
final class SqliteConnections {
  private static final int WRITER_BUSY_MS = 10_000;
  private static final int READER_BUSY_MS = 2_000;

  private SqliteConnections() {}

  /** A writer's connection to {@code file}, created when absent. */
  static Connection openWriter(Path file, int busyMs) throws SQLException, IOException {
    Path abs = file.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    refuseLinks(abs);
    SqliteNativeLibrary.useCache(cacheDir(abs));
    if (!Files.exists(abs) || Files.size(abs) == 0) {
      SqliteSpace.createIncremental(abs);
    }
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(busyMs);
    config.enforceForeignKeys(true);
    config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    return DriverManager.getConnection("jdbc:sqlite:" + abs, config.toProperties());
  }

  static Connection openWriter(Path file) throws SQLException, IOException {
    return openWriter(file, WRITER_BUSY_MS);
  }

  /** A read-only connection to the existing {@code file}; its first read has been tried. */
  static Connection openReader(Path file) throws SQLException {
    Path abs = file.toAbsolutePath();
    if (!Files.isRegularFile(abs)) {
      throw new SQLException(abs + " does not exist (the worker creates it at its first start)");
    }
    try {
      refuseLinks(abs);
    } catch (PlantedLinkException e) {
      throw new SQLException(IoErrors.describe(e), e);
    }
    SqliteNativeLibrary.useCache(cacheDir(abs));
    try {
      return reader(abs, "mode=ro");
    } catch (SQLException e) {
      if (!cannotMakeSharedMemory(e) || Files.exists(Path.of(abs + "-wal"))) {
        throw e;
      }
      return reader(abs, "mode=ro&immutable=1");
    }
  }

  /**
   * SQLite follows links: one planted at the ledger or at its {@code -wal}, {@code -shm} or
   * {@code -journal} would have it write into the file the link names.
   */
  private static void refuseLinks(Path abs) throws PlantedLinkException {
    for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) {
      DataFolder.checkBelow(abs.getParent(), Path.of(abs + suffix));
    }
  }

  /** Where the native library is kept: beside the ledger, so the worker's and the commands' agree. */
  static Path cacheDir(Path ledgerFile) {
    return ledgerFile.getParent().resolve(".cache");
  }

  private static Connection reader(Path abs, String parameters) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(READER_BUSY_MS);
    Connection db = DriverManager.getConnection("jdbc:sqlite:" + abs.toUri() + "?" + parameters,
        config.toProperties());
    try (Statement st = db.createStatement()) {
      st.execute("PRAGMA query_only = 1");
      st.executeQuery("SELECT COUNT(*) FROM sqlite_master").close(); // SQLite opens the file at the first read
      return db;
    } catch (SQLException e) {
      db.close();
      throw e;
    }
  }

  private static boolean cannotMakeSharedMemory(SQLException e) {
    String m = String.valueOf(e.getMessage());
    return m.contains("SQLITE_READONLY_DIRECTORY") || m.contains("SQLITE_CANTOPEN") || m.contains("SQLITE_READONLY");
  }
}
