package dev.tended.status;

import java.time.Instant;

/**
 * A source's circuit breaker as the heartbeat shows it.
 *
 * @param state {@code closed}, {@code open} or {@code half-open}
 * @param openUntil when an open breaker lets a trial item through; null unless open
 */
public record BreakerStatus(String state, int consecutiveFailures, Instant openUntil) {
  public static final BreakerStatus CLOSED = new BreakerStatus("closed", 0, null);
}
