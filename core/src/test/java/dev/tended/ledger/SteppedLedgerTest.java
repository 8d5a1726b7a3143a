package dev.tended.ledger;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test of one ledger (a SQLite file here; a subclass may give another {@link #store}) whose faces
 * run on a {@link SteppedClock} and are closed after each test.
 */
abstract class SteppedLedgerTest {
  static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  @TempDir Path dir;
  final SteppedClock clock = new SteppedClock(T0);
  private final List<AutoCloseable> opened = new ArrayList<>();

  @AfterEach
  void closeWhatWasOpened() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
  }

  Path file() {
    return dir.resolve("ledger.db");
  }

  /** The ledger under test: the SQLite file {@link #file}. */
  protected LedgerStore store() {
    return SqliteLedgerStore.at(file());
  }

  /** False for a store that is not the SQLite {@link #file}: its file-level tests are skipped. */
  protected boolean onSqliteFile() {
    return true;
  }

  ItemLedger ledger() {
    return kept(store().openItemLedger(clock));
  }

  LedgerView view() {
    return kept(store().openView());
  }

  private <T extends AutoCloseable> T kept(T c) {
    opened.add(c);
    return c;
  }
}
