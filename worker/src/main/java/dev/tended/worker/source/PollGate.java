package dev.tended.worker.source;

/**
 * Lets polls in until the worker stops, then lets the stop wait for the polls already inside, so the
 * ledger is closed only after the last poll has recorded what it read. A poll that would start after
 * the gate closed does not run.
 *
 * <p>Thread-safe: poll threads enter and leave, the stopping thread closes and waits; all under this
 * object's monitor.
 */
final class PollGate {
  private int inside;
  private boolean closed;

  /** True when the poll may run; the caller must then {@link #leave()} when it is done. */
  synchronized boolean enter() {
    if (closed) {
      return false;
    }
    inside++;
    return true;
  }

  synchronized void leave() {
    if (--inside == 0) {
      notifyAll();
    }
  }

  /** How many polls are running now. */
  synchronized int inside() {
    return inside;
  }

  /**
   * Lets no new poll in and waits until none is running or {@code deadlineNanos} (on
   * {@link System#nanoTime()}) passes; true when none is running.
   */
  synchronized boolean closeAndAwait(long deadlineNanos) throws InterruptedException {
    closed = true;
    while (inside > 0) {
      long leftMs = (deadlineNanos - System.nanoTime()) / 1_000_000;
      if (leftMs <= 0) {
        return false;
      }
      wait(leftMs);
    }
    return true;
  }
}
