package dev.tended.ledger;

import java.time.Instant;
import java.util.Objects;

/**
 * A place in the identity records in the order retention made them (by when each was pruned, then
 * by source, id and content hash): where a node's sweep of its own data folder read up to. Identity
 * records pruned in one batch share their time, hence the tie-breakers.
 */
public record PruneCursor(Instant prunedAt, String source, String id, String contentHash) {
  public PruneCursor {
    Objects.requireNonNull(prunedAt);
    Objects.requireNonNull(source);
    Objects.requireNonNull(id);
    Objects.requireNonNull(contentHash);
  }

  /** Before every identity record pruned at or after {@code prunedAt}. */
  public static PruneCursor since(Instant prunedAt) {
    return new PruneCursor(prunedAt, "", "", "");
  }

  /** Just after {@code record}. */
  public static PruneCursor after(IdentityRecord record) {
    return new PruneCursor(record.prunedAt(), record.source(), record.id(), record.contentHash());
  }
}
