package dev.tended.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.testkit.postgres.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ledger contract on PostgreSQL, the same suite the SQLite ledger passes, on a real server from
 * Debian's postgresql package ({@link TestDatabases}, a {@link PostgresServer}), a fresh database for
 * each test; and what only the PostgreSQL ledger has: its schema version, a URL's password kept out of
 * messages.
 */
class PostgresLedgerContractTest extends LedgerContractTest {
  private String url;
  private String user;

  @BeforeEach
  void aFreshDatabase() throws Exception {
    Assumptions.assumeTrue(TestDatabases.available(), "no PostgreSQL server programs (Debian's postgresql)");
    url = TestDatabases.freshUrl();
    user = TestDatabases.server().user();
  }

  @Override
  protected LedgerStore store() {
    return PostgresLedgerStore.at(url, user, "");
  }

  /** What another node's long transaction does: holds a lock that every write of the items waits for. */
  @Override
  protected AutoCloseable holdWriteLockElsewhere() throws Exception {
    Connection other = DriverManager.getConnection(url, user, "");
    other.setAutoCommit(false);
    try (Statement st = other.createStatement()) {
      st.execute("LOCK TABLE items IN EXCLUSIVE MODE");
    }
    return () -> {
      if (!other.isClosed()) { // closed by the test, then again by its try-with-resources
        other.commit();
        other.close();
      }
    };
  }

  @Test
  void aNewDatabaseIsWrittenAtTheCurrentSchemaVersion() throws Exception {
    ledger();
    try (Connection c = DriverManager.getConnection(url, user, "")) {
      assertThat(PostgresSchema.versionOf(c)).isEqualTo(PostgresSchema.CURRENT);
    }
  }

  @Test
  void twoWritersOpeningANewDatabaseAtOnceMigrateItOnce() throws Exception {
    // join() rethrows what either opener threw: a migration that collides fails the test
    CompletableFuture<Void> first = CompletableFuture.runAsync(() -> store().openItemLedger(Clock.systemUTC()).close());
    CompletableFuture<Void> second = CompletableFuture.runAsync(() -> store().openItemLedger(Clock.systemUTC()).close());
    CompletableFuture.allOf(first, second).get(60, TimeUnit.SECONDS);
    assertThat(ledger().recordSeen("ideas", List.of(item("1", "x")))).isEqualTo(1);
  }

  @Test
  void aPasswordInTheUrlNeverReachesAMessage() {
    assertThat(PostgresLedgerStore.redacted("jdbc:postgresql://db:5432/tended?user=t&password=s3cret&ssl=true"))
        .isEqualTo("jdbc:postgresql://db:5432/tended?user=t&password=***&ssl=true");
  }
}
