package dev.tended.supervisor.watch;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongPredicate;

/**
 * Decides, from heartbeat observations stamped with the supervisor's monotonic clock, whether the
 * worker is starting, healthy or stalled. A beat is a change of the status file's
 * {@code (pid, sequence)} since the previous observation; the file's own timestamps are never
 * consulted, so a wall-clock jump cannot move the verdict. A status file written by a pid that the
 * worker control does not own is ignored: it is a stale file of an earlier worker or an impostor.
 * Which pids count is the worker control's question, not the detector's: in child mode the JVM that
 * beats may be a descendant of the child (a {@code workerCommand} wrapper that does not {@code exec}),
 * and only the control knows its process tree.
 *
 * <p>Not thread-safe: owned by the watch thread.
 */
final class StallDetector {
  /** What the detector thinks of the worker right now. */
  enum Kind { STARTING, HEALTHY, STALE }

  /**
   * @param silentNanos time since the last beat (or since start, before the first beat)
   * @param limit the bound that applies now: {@code startupGrace} before the first beat, else {@code staleAfter}
   * @param healthyNanos time since the first beat of this worker, 0 before it
   */
  record Assessment(Kind kind, long silentNanos, Duration limit, long healthyNanos, boolean beatSeen) {}

  /** What one observation of the status file meant. */
  enum Observation { BEAT, UNCHANGED, FOREIGN_PID }

  private final Duration staleAfter;
  private final Duration startupGrace;

  private LongPredicate isWorker = pid -> true;
  private long startedAt;
  private boolean beatSeen;
  private long firstBeatAt;
  private long lastBeatAt;
  private long lastPid = -1;
  private long lastSequence = Long.MIN_VALUE;

  StallDetector(Duration staleAfter, Duration startupGrace) {
    this.staleAfter = staleAfter;
    this.startupGrace = startupGrace;
  }

  /**
   * A worker was (re)started at {@code now}. Only beats of pids that {@code isWorker} accepts count
   * (child mode: the child or one of its descendants; systemctl mode: any pid). The last observed
   * {@code (pid, sequence)} stays as the baseline, so the previous worker's final beat is not
   * mistaken for the new worker's first.
   */
  void workerStarted(long now, LongPredicate isWorker) {
    this.isWorker = Objects.requireNonNull(isWorker, "isWorker");
    this.startedAt = now;
    this.beatSeen = false;
    this.firstBeatAt = 0;
    this.lastBeatAt = 0;
  }

  /** Feeds one read of the status file. */
  Observation observe(long now, long pid, long sequence) {
    if (!isWorker.test(pid)) {
      return Observation.FOREIGN_PID;
    }
    boolean changed = pid != lastPid || sequence != lastSequence;
    lastPid = pid;
    lastSequence = sequence;
    if (!changed) {
      return Observation.UNCHANGED;
    }
    if (!beatSeen) {
      beatSeen = true;
      firstBeatAt = now;
    }
    lastBeatAt = now;
    return Observation.BEAT;
  }

  /**
   * The supervisor itself did not run for {@code gapNanos} (suspended VM, stopped process, starved
   * CPU): that silence is not the worker's, so the deadlines move by the gap.
   */
  void excuse(long gapNanos) {
    startedAt += gapNanos;
    if (beatSeen) {
      lastBeatAt += gapNanos;
    }
  }

  Assessment assess(long now) {
    if (!beatSeen) {
      long silent = now - startedAt;
      Kind kind = silent >= startupGrace.toNanos() ? Kind.STALE : Kind.STARTING;
      return new Assessment(kind, silent, startupGrace, 0, false);
    }
    long silent = now - lastBeatAt;
    Kind kind = silent >= staleAfter.toNanos() ? Kind.STALE : Kind.HEALTHY;
    return new Assessment(kind, silent, staleAfter, now - firstBeatAt, true);
  }

  long lastSequence() {
    return lastSequence;
  }
}
