package dev.tended.ledger;

import java.time.Duration;
import java.util.Objects;

/**
 * Who writes through an {@link ItemLedger}: on a ledger the workers of several hosts share, a node
 * with its name (what its running attempts are recorded under, what it adopts) and the lease each
 * of its running attempts holds (its heartbeat renews them; another node takes over an attempt whose
 * lease ran out). A SQLite file has one writer, the {@linkplain #sole sole} node, which owns every
 * running attempt whatever name it was recorded under.
 *
 * @param name the node's name ({@code ledger.node})
 * @param lease how long a running attempt stays this node's without a renewal ({@code supervisor.staleAfter})
 * @param sole true when no other node can write the ledger
 */
public record LedgerNode(String name, Duration lease, boolean sole) {
  public LedgerNode {
    Objects.requireNonNull(name);
    if (lease.isNegative() || lease.isZero()) {
      throw new IllegalArgumentException("a lease must be longer than 0: " + lease);
    }
  }

  /** The one writer of a ledger no other node shares. */
  public static LedgerNode sole(String name) {
    return new LedgerNode(name, Duration.ofMinutes(2), true);
  }

  /** A node of a shared ledger. */
  public static LedgerNode shared(String name, Duration lease) {
    return new LedgerNode(name, lease, false);
  }
}
