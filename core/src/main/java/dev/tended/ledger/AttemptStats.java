package dev.tended.ledger;

import java.util.Map;

/**
 * A source's attempts since its ledger was made, kept as running totals in the ledger (not derived from
 * transitions, which retention prunes), so the Prometheus counters never go backwards across restarts
 * of either process and agree between every process that reads them.
 *
 * @param endings how many attempts ended in each way (every ending present, zero when none)
 * @param durations how long the attempts that ran took (from the handler's start to its end)
 */
public record AttemptStats(Map<AttemptEnding, Long> endings, DurationHistogram durations) {
  public AttemptStats {
    endings = Map.copyOf(endings);
  }
}
