package dev.tended.worker.dispatch;

import dev.tended.config.BreakerConfig;
import dev.tended.status.BreakerStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * Stops feeding a source whose handler keeps failing: after {@code failureThreshold} consecutive
 * failures the breaker opens; after {@code openFor} it half-opens and lets one trial item through; the
 * trial's success closes it, its failure opens it again. Only the trial decides: an attempt admitted
 * before the breaker opened that ends afterwards neither closes it nor opens it again. A dead-at-once
 * item (exit 65) is the item's fault, not the handler's, and neither counts nor resets.
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

  /**
   * Tells the breaker that {@code n} admitted attempts have started; returns whether they are the
   * half-open trial, whose outcome alone decides whether the breaker closes or opens again.
   */
  boolean started(int n) {
    if (state == State.HALF_OPEN && n > 0) {
      trialInFlight = true;
      return true;
    }
    return false;
  }

  /**
   * Returns true when this success closed the breaker: only the half-open trial's can. A success
   * while closed resets the count; a late one (an attempt admitted before the breaker opened) changes
   * nothing.
   */
  boolean recordSuccess(boolean trial) {
    if (state == State.CLOSED) {
      consecutiveFailures = 0;
      return false;
    }
    if (!(trial && state == State.HALF_OPEN)) {
      return false;
    }
    consecutiveFailures = 0;
    trialInFlight = false;
    state = State.CLOSED;
    openUntil = null;
    return true;
  }

  /**
   * Returns true when this failure opened the breaker: the threshold reached while closed, or the
   * half-open trial failing. A late failure is counted but neither extends nor re-opens.
   */
  boolean recordFailure(boolean trial) {
    consecutiveFailures++;
    boolean trialFailed = trial && state == State.HALF_OPEN;
    if (trialFailed || (state == State.CLOSED && consecutiveFailures >= config.failureThreshold())) {
      trialInFlight = false;
      state = State.OPEN;
      openUntil = clock.instant().plus(config.openFor());
      return true;
    }
    return false;
  }

  /** An attempt that ended neither way (handed back at stop, or the item's own fault): a trial's frees the way for another. */
  void recordNeutral(boolean trial) {
    if (trial) {
      trialInFlight = false;
    }
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
