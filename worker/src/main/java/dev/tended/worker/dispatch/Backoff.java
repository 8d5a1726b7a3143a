package dev.tended.worker.dispatch;

import dev.tended.config.RetryConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter: before attempt {@code n + 1} wait a uniformly random time in
 * {@code [0, min(maxBackoff, initialBackoff * 2^(n-1))]}. Full jitter spreads a burst of failures
 * (a handler's dependency was down) over the whole window instead of retrying them in lock-step.
 */
public final class Backoff {
  private final RetryConfig retry;
  private final DoubleSupplier random;

  /** {@code random} yields values in {@code [0, 1)}; tests pass a fixed one. */
  public Backoff(RetryConfig retry, DoubleSupplier random) {
    this.retry = Objects.requireNonNull(retry);
    this.random = Objects.requireNonNull(random);
  }

  /** The upper bound of the wait after failed attempt {@code attempt} (1-based). */
  public Duration ceiling(int attempt) {
    long initial = retry.initialBackoff().toMillis();
    long max = retry.maxBackoff().toMillis();
    int doublings = Math.max(0, Math.min(attempt - 1, 40));
    long ceiling = initial;
    for (int i = 0; i < doublings && ceiling < max; i++) {
      ceiling = ceiling * 2;
    }
    return Duration.ofMillis(Math.min(ceiling, max));
  }

  /** The wait after failed attempt {@code attempt}: a random share of {@link #ceiling}. */
  public Duration delay(int attempt) {
    return Duration.ofMillis((long) (random.getAsDouble() * ceiling(attempt).toMillis()));
  }
}
