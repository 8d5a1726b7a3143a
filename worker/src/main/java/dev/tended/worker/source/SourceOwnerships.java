package dev.tended.worker.source;

import dev.tended.config.Durations;
import dev.tended.config.SourceConfig;
import dev.tended.config.TendedConfig;
import dev.tended.ledger.LedgerStore;
import dev.tended.ledger.PostgresLedgerStore;
import dev.tended.logging.Kv;
import java.time.Duration;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which {@link SourceOwnership} a configuration needs: on a ledger of one host this node owns every
 * source; on a database that several hosts share the nodes agree through Quartz's clustered job store
 * in that database, with timings derived from {@code supervisor.staleAfter} ({@link ClusterTimings#from}).
 * A {@code staleAfter} too short for Quartz to keep the failover bound is logged once at the start
 * ({@code cluster_failover_beyond_stale_after}): the worker runs, its sources just move later.
 */
public final class SourceOwnerships {
  private static final Logger log = LoggerFactory.getLogger(SourceOwnerships.class);

  private SourceOwnerships() {}

  /** The ownership for {@code config}, whose ledger is {@code store}; not started. */
  public static SourceOwnership of(TendedConfig config, LedgerStore store) {
    if (store instanceof PostgresLedgerStore shared) {
      Duration staleAfter = config.supervisor().staleAfter();
      ClusterTimings timings = ClusterTimings.from(staleAfter);
      if (staleAfter.compareTo(ClusterTimings.shortestStaleAfter()) < 0) {
        log.warn("cluster_failover_beyond_stale_after stale_after_ms={} failover_ms={} action={}", staleAfter.toMillis(),
            timings.failoverBound(Duration.ZERO).toMillis(), Kv.q("a source whose poller dies is polled again up to "
                + "that long after, plus its poll interval; set supervisor.staleAfter to at least "
                + Durations.format(ClusterTimings.shortestStaleAfter()) + " to keep it within staleAfter"));
      }
      return new ClusteredOwnership(config.ledger().node(),
          config.sources().stream().map(SourceConfig::name).collect(Collectors.toSet()), timings, shared.dataSource());
    }
    return SourceOwnership.everySource();
  }
}
