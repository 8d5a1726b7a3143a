package dev.tended.supervisor.watch;

import java.time.Duration;

/** A monotonic clock that moves only when the test says so. */
final class FakeClock implements MonotonicClock {
  private long nanos = 1_000_000_000L;

  @Override
  public long nanos() {
    return nanos;
  }

  void advance(Duration d) {
    nanos += d.toNanos();
  }
}
