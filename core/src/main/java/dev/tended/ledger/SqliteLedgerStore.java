package dev.tended.ledger;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Objects;

/**
 * The ledger as one SQLite file (by default {@code dataDir/ledger.db}): the worker's state machine
 * and the operator's writes on writer connections that create and migrate the schema
 * ({@link SqliteSchema}), the view on a read-only one that changes nothing. Each open is a connection
 * of its own; the caller closes what it opened.
 */
public final class SqliteLedgerStore extends SqlLedgerStore {
  private final Path file;

  private SqliteLedgerStore(Path file) {
    this.file = Objects.requireNonNull(file).toAbsolutePath();
  }

  /** The ledger in {@code file} (which need not exist yet). */
  public static SqliteLedgerStore at(Path file) {
    return new SqliteLedgerStore(file);
  }

  public Path file() {
    return file;
  }

  @Override
  LedgerNode node() {
    return LedgerNode.sole("local");
  }

  @Override
  public boolean present() {
    return java.nio.file.Files.isRegularFile(file);
  }

  @Override
  public String describe() {
    return file.toString();
  }

  @Override
  LedgerSession openReadSession() {
    try {
      return new LedgerSession(SqliteConnections.openReader(file), file.toString(), SqliteDialect.INSTANCE);
    } catch (SQLException e) {
      throw new LedgerException("open ledger " + file + " read-only", e);
    }
  }

  @Override
  LedgerSession openWriteSession() {
    try {
      return new LedgerSession(SqliteConnections.openWriter(file), file.toString(), SqliteDialect.INSTANCE);
    } catch (SQLException | IOException e) {
      throw new LedgerException("open ledger " + file, e);
    }
  }

  @Override
  void migrate(LedgerSession session) {
    SqliteSchema.migrate(session);
  }

  @Override
  int checkReadable(LedgerSession session) {
    return SqliteSchema.checkReadable(session);
  }
}
