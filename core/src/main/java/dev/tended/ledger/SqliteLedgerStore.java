package dev.tended.ledger;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Objects;

/**
 * The ledger as one SQLite file (by default {@code dataDir/ledger.db}): the worker's state machine
 * and the operator's writes on writer connections that create and migrate the schema
 * ({@link SqliteSchema}), the view on a read-only one that changes nothing. Each open is a connection
 * of its own; the caller closes what it opened.
 */
public final class SqliteLedgerStore implements LedgerStore {
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
  public ItemLedger openItemLedger(Clock clock) {
    Objects.requireNonNull(clock);
    return new SqlItemLedger(openMigrated(), clock);
  }

  @Override
  public LedgerView openView() {
    try {
      Connection db = SqliteConnections.openReader(file);
      LedgerSession session = new LedgerSession(db, file.toString(), SqliteDialect.INSTANCE);
      int schema;
      try {
        schema = SqliteSchema.checkReadable(session);
      } catch (RuntimeException e) {
        session.close();
        throw e;
      }
      return new SqlLedgerView(session, schema);
    } catch (SQLException e) {
      throw new LedgerException("open ledger " + file + " read-only", e);
    }
  }

  @Override
  public LedgerAdmin openAdmin(Clock clock) {
    Objects.requireNonNull(clock);
    return new SqlLedgerAdmin(openMigrated(), clock);
  }

  @Override
  public String describe() {
    return file.toString();
  }

  private LedgerSession openMigrated() {
    LedgerSession session;
    try {
      session = new LedgerSession(SqliteConnections.openWriter(file), file.toString(), SqliteDialect.INSTANCE);
    } catch (SQLException | IOException e) {
      throw new LedgerException("open ledger " + file, e);
    }
    try {
      SqliteSchema.migrate(session);
      return session;
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
  }
}
