package dev.tended.status;

import java.time.Instant;

/**
 * Whether the worker reaches the database of a shared ledger, in the heartbeat status file (absent on
 * SQLite, which is a file beside the worker). While the database is away the worker keeps its running
 * handlers and records nothing new; the status file says so here, with since when and why, so that
 * {@code status}, {@code health-diagnose} and a script see it without reading the log.
 *
 * @param reachable whether the node's last lease renewal reached the database
 * @param since when that last changed (the worker's start while it never did)
 * @param error why it cannot be reached, null while it can
 */
public record LedgerReach(boolean reachable, Instant since, String error) {
  /** The database answered, as it has since {@code since}. */
  public static LedgerReach reachableSince(Instant since) {
    return new LedgerReach(true, since, null);
  }
}
