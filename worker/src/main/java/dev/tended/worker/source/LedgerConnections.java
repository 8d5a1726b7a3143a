package dev.tended.worker.source;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.quartz.utils.ConnectionProvider;

/**
 * Quartz's connections to the ledger's database, and the source holds' own: a HikariCP pool over
 * the ledger's data source ({@code PostgresLedgerStore#dataSource}), so that the password stays with
 * the ledger and never passes through Quartz's properties or its logs, and so that Quartz's scheduler
 * thread, its check-ins and its misfire scans, each a transaction every second or so, reuse a few
 * connections instead of opening one each time (a backend process forked on the database's host per
 * transaction). Quartz returns each connection after its transaction; a connection broken by a
 * database restart is found at its next borrowing and replaced.
 *
 * <p>Thread-safe (the pool is). Its owner, {@link ClusteredOwnership}, closes it after Quartz has
 * shut down; Quartz's own {@link #shutdown} call leaves it open.
 */
final class LedgerConnections implements ConnectionProvider, AutoCloseable {
  /** How long a borrower waits for a connection, as long as a new one may take to connect. */
  static final Duration BORROW_TIMEOUT = Duration.ofSeconds(10);

  private final HikariDataSource pool;

  private LedgerConnections(HikariDataSource pool) {
    this.pool = pool;
  }

  /**
   * A pool of at most {@code size} connections to {@code database}, one kept open while idle; it
   * starts without a connection when the database cannot be reached (the first borrowing waits).
   *
   * @param name the pool's name in this JVM, e.g. {@code tended-quartz-1}
   */
  static LedgerConnections pooled(DataSource database, int size, String name) {
    HikariConfig c = new HikariConfig();
    c.setDataSource(database);
    c.setPoolName(name);
    c.setMaximumPoolSize(size);
    c.setMinimumIdle(1);
    c.setConnectionTimeout(BORROW_TIMEOUT.toMillis());
    c.setInitializationFailTimeout(-1);
    return new LedgerConnections(new HikariDataSource(c));
  }

  @Override
  public Connection getConnection() throws SQLException {
    return pool.getConnection();
  }

  /** Quartz's call at its shutdown: the owner closes the pool after that, as the holds use it too. */
  @Override
  public void shutdown() {}

  @Override
  public void initialize() {}

  /** Closes every connection of the pool; borrowing fails from now on. */
  @Override
  public void close() {
    pool.close();
  }
}
