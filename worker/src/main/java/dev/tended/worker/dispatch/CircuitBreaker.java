package dev.tended.worker.dispatch;

import dev.tended.config.BreakerConfig;
import dev.tended.status.BreakerStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * Stops feeding a source whose handler keeps failing: after {@code failureThreshold} consecutive
 * failures the breaker opens; after {@code openFor} it half-opens and lets one trial item through; the
 * trial's success closes it, its failure opens it again. A dead-at-once item (exit 65) is the item's
 * fault, not the handler's, and neither counts nor resets.
 *
 * <p>Not thread-safe: owned by the dispatcher thread.
 */
final class CircuitBreaker {
  enum State { CLOSED, OPEN, HALF_OPEN }

  private final BreakerConfig config;
  private final Clock clock;
  private State state = State.CLOSED;
  private int consecutiveFailures;
  private Instant openUntil;
  private boolean trialInFlight;

  CircuitBreaker(BreakerConfig config, Clock clock) {
    this.config = Objects.requireNonNull(config);
    this.clock = Objects.requireNonNull(clock);
  }

  /** How many new attempts may start now, given {@code free} handler slots. */
  int admit(int free) {
    if (state == State.OPEN && !clock.instant().isBefore(openUntil)) {
      state = State.HALF_OPEN;
    }
    return switch (state) {
      case CLOSED -> free;
      case OPEN -> 0;
      case HALF_OPEN -> trialInFlight ? 0 : Math.min(1, free);
    };
  }

  /** Tells the breaker that {@code n} admitted attempts have started. */
  void started(int n) {
    if (state == State.HALF_OPEN && n > 0) {
      trialInFlight = true;
    }
  }

  /** Returns true when this success closed an open or half-open breaker. */
  boolean recordSuccess() {
    boolean wasOpen = state != State.CLOSED;
    consecutiveFailures = 0;
    trialInFlight = false;
    state = State.CLOSED;
    openUntil = null;
    return wasOpen;
  }

  /** Returns true when this failure opened the breaker. */
  boolean recordFailure() {
    consecutiveFailures++;
    boolean trialFailed = state == State.HALF_OPEN;
    trialInFlight = false;
    if (trialFailed || (state == State.CLOSED && consecutiveFailures >= config.failureThreshold())) {
      state = State.OPEN;
      openUntil = clock.instant().plus(config.openFor());
      return true;
    }
    return false;
  }

  /** An attempt that ended neither way (handed back at stop, or the item's own fault). */
  void recordNeutral() {
    trialInFlight = false;
  }

  State state() {
    return state;
  }

  BreakerStatus status() {
    return new BreakerStatus(switch (state) {
      case CLOSED -> "closed";
      case OPEN -> "open";
      case HALF_OPEN -> "half-open";
    }, consecutiveFailures, state == State.OPEN ? openUntil : null);
  }
}
