package dev.tended.ledger;

import java.util.List;
import java.util.Optional;

/**
 * Whether an operator's retry of one item can take effect, read from a {@link LedgerView}: its newest
 * version must be dead. One rule with one wording for the worker that applies a retry, the command
 * that refuses a hopeless one at once, and the dashboard.
 */
public final class RetryCheck {
  private RetryCheck() {}

  /**
   * Why {@code source/id} cannot be retried, as the end of a sentence about it ("is not dead (it is
   * pending)"), or empty when its newest version is dead.
   */
  public static Optional<String> whyNot(LedgerView view, String source, String id) {
    List<ItemRecord> versions = view.versions(source, id);
    if (!versions.isEmpty()) {
      ItemState state = versions.get(versions.size() - 1).state();
      return state == ItemState.DEAD ? Optional.empty() : Optional.of("is not dead (it is " + state.wireName() + ")");
    }
    List<IdentityRecord> pruned = view.identities(source, id);
    if (pruned.isEmpty()) {
      return Optional.of("is not in the ledger");
    }
    IdentityRecord last = pruned.get(pruned.size() - 1);
    return Optional.of("was pruned by retention (" + last.outcome().wireName() + ", finished " + last.finishedAt()
        + "): only its identity is kept, its payload is gone; put it in the queue again with changed content to run it");
  }
}
