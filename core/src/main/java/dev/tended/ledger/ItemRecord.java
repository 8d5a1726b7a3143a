package dev.tended.ledger;

import java.time.Instant;

/**
 * One item version as the ledger holds it. {@code seq} is its first-seen position, which is also its
 * dispatch order. Times are null until they happened. {@code attempts} counts the attempts that
 * count against {@code retry.maxAttempts}; {@code interruptions} those lost to the worker's death.
 * {@code attemptToken} is the marker of the current (or last) attempt, set by the claim, before any
 * handler starts.
 */
public record ItemRecord(
    long seq,
    String source,
    String id,
    String contentHash,
    String payload,
    ItemState state,
    int attempts,
    Instant nextAttemptAt,
    Instant firstSeenAt,
    Instant updatedAt,
    Instant lastStartedAt,
    Instant lastFinishedAt,
    Integer lastExitCode,
    String lastError,
    int interruptions,
    String attemptToken) {

  /** The idempotency key a handler gets: stable for this item version across attempts and restarts. */
  public String idempotencyKey() {
    return source + ":" + id + ":" + contentHash.substring(0, Math.min(16, contentHash.length()));
  }
}
