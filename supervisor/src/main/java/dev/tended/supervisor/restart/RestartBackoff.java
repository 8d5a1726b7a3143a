package dev.tended.supervisor.restart;

import java.time.Duration;

/**
 * The delay before restarting a worker that died: starts at {@code initial}, doubles with every
 * failure in a row up to {@code max}, and goes back to {@code initial} once a worker has run healthy
 * long enough. There is no give-up state: a worker that crashes at every start is tried again every
 * {@code max} forever, because a supervisor that gives up leaves the work down.
 *
 * <p>Not thread-safe: owned by the watch thread.
 */
public final class RestartBackoff {
  private final Duration initial;
  private final Duration max;
  private Duration next;
  private int failuresInARow;

  public RestartBackoff(Duration initial, Duration max) {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("need 0 < initial <= max, got " + initial + ", " + max);
    }
    this.initial = initial;
    this.max = max;
    this.next = initial;
  }

  /** Counts one more failure and returns the delay to wait before the next start. */
  public Duration nextDelay() {
    Duration d = next;
    failuresInARow++;
    Duration doubled = next.multipliedBy(2);
    next = doubled.compareTo(max) > 0 ? max : doubled;
    return d;
  }

  /** The worker has proved itself healthy: forget the failures. */
  public void reset() {
    next = initial;
    failuresInARow = 0;
  }

  /** Failures (crashes and stalls) since the last healthy run. */
  public int failuresInARow() {
    return failuresInARow;
  }

  /** The delay the next failure would get. */
  public Duration peek() {
    return next;
  }
}
