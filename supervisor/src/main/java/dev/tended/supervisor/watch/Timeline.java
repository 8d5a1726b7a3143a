package dev.tended.supervisor.watch;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The last few things the watch loop saw and did, with wall time and the supervisor's monotonic
 * offset, copied into every stall record. The monotonic offset is what decisions were based on; the
 * wall time is for people.
 *
 * <p>Not thread-safe: owned by the watch thread.
 */
final class Timeline {
  private static final int KEPT = 40;
  private final ArrayDeque<String> lines = new ArrayDeque<>();
  private final Clock wall;
  private final MonotonicClock clock;
  private final long origin;

  Timeline(Clock wall, MonotonicClock clock) {
    this.wall = wall;
    this.clock = clock;
    this.origin = clock.nanos();
  }

  void add(String event) {
    long ms = (clock.nanos() - origin) / 1_000_000;
    lines.addLast(String.format("%s  +%d.%03ds  %s", wall.instant(), ms / 1000, ms % 1000, event));
    while (lines.size() > KEPT) {
      lines.removeFirst();
    }
  }

  List<String> lines() {
    return List.copyOf(lines);
  }
}
