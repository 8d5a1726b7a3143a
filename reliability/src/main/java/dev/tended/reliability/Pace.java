package dev.tended.reliability;

import dev.tended.status.SourceStatus;
import dev.tended.status.WorkerStatus;
import java.time.Duration;

/**
 * How fast a scenario's worker went on this machine, measured while it ran, so that waits scale with
 * it instead of being fixed in advance (a crash scenario's three-minute drain once timed out at load
 * 7 though nothing was wrong). A drain waits for as long as items keep finishing; it gives up after
 * {@link #stallLimit()} without one: several times the slowest start and the mean time per finished
 * item, and never less than {@link #STALL_FLOOR}. The floor is three times the worker's longest wait
 * between tries of an outcome that cannot be recorded (30 s): while forces keep failing, one item may
 * legitimately take that long again and again, and the worker withholds its heartbeat meanwhile (a
 * soak run once gave up after 30 s of such a wait although nothing was wrong).
 *
 * @param slowestStartMs the slowest start to a first beat seen in the scenario
 * @param msPerItem wall time of the faulted run divided by the items finished in it
 */
record Pace(long slowestStartMs, double msPerItem) {
  static final Duration STALL_FLOOR = Duration.ofSeconds(90);
  private static final int START_FACTOR = 5;
  private static final int ITEM_FACTOR = 100;

  /** The pace of a run of {@code elapsedNanos} that finished {@code finished} items. */
  static Pace measured(long slowestStartMs, long elapsedNanos, long finished) {
    return new Pace(slowestStartMs, elapsedNanos / 1e6 / Math.max(1, finished));
  }

  /** The pace known from start-up alone (no faulted run measured items yet). */
  static Pace ofStarts(long slowestStartMs) {
    return new Pace(slowestStartMs, 0);
  }

  /** How long a drain may go without one more item finishing. */
  Duration stallLimit() {
    long ms = Math.max(START_FACTOR * slowestStartMs, (long) (ITEM_FACTOR * msPerItem));
    return Duration.ofMillis(Math.max(STALL_FLOOR.toMillis(), ms));
  }

  /** Items that reached an end (succeeded or dead) in all sources: what a drain counts as progress. */
  static long finished(WorkerStatus s) {
    long n = 0;
    for (SourceStatus src : s.sources().values()) {
      n += src.succeeded() + src.dead();
    }
    return n;
  }
}
