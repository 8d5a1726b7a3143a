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
   * Each configured source's poller as the cluster's job store knows it ({@link PollerOwners}): the
   * node that polls it, or empty while none holds it. Empty map on a ledger of one host.
   *
   * @throws LedgerException when the database cannot be read
   */
  public static java.util.Map<String, java.util.Optional<String>> pollers(TendedConfig config) {
    if (!config.ledger().shared()) {
      return new java.util.LinkedHashMap<>();
    }
    try (LedgerView view = of(config).openView()) {
      return pollers(config, view);
    }
  }

  /** Like {@link #pollers(TendedConfig)}, read through {@code view}, a view of the configured ledger. */
  public static java.util.Map<String, java.util.Optional<String>> pollers(TendedConfig config, LedgerView view) {
    java.util.Map<String, java.util.Optional<String>> out = new java.util.LinkedHashMap<>();
    if (!config.ledger().shared()) {
      return out;
    }
    java.util.Map<String, java.util.Optional<String>> held = new java.util.HashMap<>();
    view.pollers().forEach(o -> held.put(o.source(), o.node()));
    config.sources().forEach(s -> out.put(s.name(), held.getOrDefault(s.name(), java.util.Optional.empty())));
    return out;
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
