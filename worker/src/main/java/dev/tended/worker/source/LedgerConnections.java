package dev.tended.worker.source;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import org.quartz.utils.ConnectionProvider;

/**
 * Quartz's connections to the ledger's database, each a fresh one from the ledger's own connection
 * factory ({@code PostgresLedgerStore::connect}), so the password stays with the ledger and never
 * passes through Quartz's properties or its logs. Quartz closes each connection after its
 * transaction.
 *
 * <p>Thread-safe: it holds nothing but the factory.
 */
final class LedgerConnections implements ConnectionProvider {
  /** Opens a new connection to the ledger's database. */
  @FunctionalInterface
  interface Opener {
    Connection open() throws SQLException;
  }

  private final Opener opener;

  LedgerConnections(Opener opener) {
    this.opener = Objects.requireNonNull(opener);
  }

  @Override
  public Connection getConnection() throws SQLException {
    return opener.open();
  }

  @Override
  public void shutdown() {}

  @Override
  public void initialize() {}
}
