package dev.tended.worker.source;

import dev.tended.config.SourceConfig;
import dev.tended.config.TendedConfig;
import dev.tended.ledger.LedgerStore;
import dev.tended.ledger.PostgresLedgerStore;
import java.util.stream.Collectors;

/**
 * Which {@link SourceOwnership} a configuration needs: on a ledger of one host this node owns every
 * source; on a database that several hosts share the nodes agree through Quartz's clustered job store
 * in that database, with timings derived from {@code supervisor.staleAfter} ({@link ClusterTimings#from}).
 */
public final class SourceOwnerships {
  private SourceOwnerships() {}

  /** The ownership for {@code config}, whose ledger is {@code store}; not started. */
  public static SourceOwnership of(TendedConfig config, LedgerStore store) {
    if (store instanceof PostgresLedgerStore shared) {
      return new ClusteredOwnership(config.ledger().node(),
          config.sources().stream().map(SourceConfig::name).collect(Collectors.toSet()),
          ClusterTimings.from(config.supervisor().staleAfter()), shared::connect);
    }
    return SourceOwnership.everySource();
  }
}
