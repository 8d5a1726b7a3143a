package dev.tended.ledger;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;

/** {@link LedgerPruningTest} on a real PostgreSQL server ({@link TestDatabases}): the same behaviour on both ledgers. */
class PostgresLedgerPruningTest extends LedgerPruningTest {
  private LedgerStore store;

  @BeforeEach
  void aFreshDatabase() throws Exception {
    Assumptions.assumeTrue(TestDatabases.available(), "no PostgreSQL server programs (Debian's postgresql)");
    store = TestDatabases.freshStore();
  }

  @Override
  protected LedgerStore store() {
    return store;
  }

  @Override
  protected boolean onSqliteFile() {
    return false;
  }
}
