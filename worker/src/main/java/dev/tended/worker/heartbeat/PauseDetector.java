package dev.tended.worker.heartbeat;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Tells a pause of the whole process (SIGSTOP, a VM or container freeze, a long safepoint) from a
 * wedged part: the heartbeat ticks every interval, so a tick that comes much later than due on the
 * monotonic clock means every thread was held for about that gap, not that one part stopped
 * (HikariCP's housekeeper tells "thread starvation or clock leap" the same way). The heartbeat then
 * excuses that gap on the {@link ProgressBoard} instead of blaming the pollers for it.
 *
 * <p>Not thread-safe: owned by the heartbeat thread.
 */
final class PauseDetector {
  private final LongSupplier nanoTime;
  private final long everyNanos;
  private final long thresholdNanos;
  private long lastTickNanos;

  /**
   * @param every how often {@link #tick()} is called
   * @param threshold how much later than due a tick must come to count as a pause
   */
  PauseDetector(LongSupplier nanoTime, Duration every, Duration threshold) {
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.everyNanos = every.toNanos();
    this.thresholdNanos = threshold.toNanos();
    this.lastTickNanos = nanoTime.getAsLong();
  }

  /** The threshold the heartbeat uses: one interval, and never less than a second (GC jitter is no pause). */
  static Duration thresholdFor(Duration interval) {
    Duration second = Duration.ofSeconds(1);
    return interval.compareTo(second) > 0 ? interval : second;
  }

  /** Call once per tick: how long the process was held since the last tick, when that counts as a pause. */
  Optional<Duration> tick() {
    long now = nanoTime.getAsLong();
    long late = now - lastTickNanos - everyNanos;
    lastTickNanos = now;
    return late > thresholdNanos ? Optional.of(Duration.ofNanos(late)) : Optional.empty();
  }
}
