package dev.tended.ledger;

import dev.tended.config.TendedConfig;
import java.io.IOException;
import java.time.Clock;

/**
 * Which ledger a configuration names: the SQLite file in the data folder, or the PostgreSQL
 * database of {@code ledger.url} shared by the workers of several hosts. The one place the worker,
 * the supervisor and the commands turn the configuration into a {@link LedgerStore}, so none of
 * them knows which database it reads.
 */
public final class LedgerStores {
  private LedgerStores() {}

  /** The configured ledger (not opened: each face is opened by whoever needs it). */
  public static LedgerStore of(TendedConfig config) {
    if (config.ledger().shared()) {
      try {
        return PostgresLedgerStore.at(config.ledger().url(), config.ledger().user(), config.ledger().password(),
            LedgerNode.shared(config.ledger().node(), config.supervisor().staleAfter()));
      } catch (IOException e) {
        throw new LedgerException(e.getMessage(), e);
      }
    }
    return SqliteLedgerStore.at(config.ledgerFile());
  }

  /**
   * The worker's state machine on the configured ledger, only when it can be trusted: a SQLite
   * file through {@link LedgerCheck}; a database is created or migrated as needed (a database that
   * lost its items is the database's administrator's matter, not a file that went missing).
   */
  public static ItemLedger openWorkerLedger(TendedConfig config, Clock clock) {
    if (config.ledger().shared()) {
      return of(config).openItemLedger(clock);
    }
    return LedgerCheck.openTrusted(config.ledgerFile(), config.resultsDir(), clock);
  }
}
