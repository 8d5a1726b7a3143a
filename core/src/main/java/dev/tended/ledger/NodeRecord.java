package dev.tended.ledger;

import java.time.Duration;
import java.time.Instant;

/**
 * A node's last beat as the shared ledger keeps it: what {@code status} and {@code health-diagnose}
 * list on any node, and how they tell a live node from a dead one without trusting this host's clock.
 *
 * @param node its name
 * @param beatAt when it last renewed its leases (its host's clock, for people)
 * @param silentFor how long ago that was, on the database's clock
 * @param startedAt when its worker started
 * @param pid its worker's process id on its host
 * @param version its worker's version
 * @param running how many attempts it ran at that beat
 */
public record NodeRecord(String node, Instant beatAt, Duration silentFor, Instant startedAt, long pid, String version,
    int running) {

  /** Whether it beat within {@code lease}: its running attempts are still its own. */
  public boolean aliveWithin(Duration lease) {
    return silentFor.compareTo(lease) <= 0;
  }
}
