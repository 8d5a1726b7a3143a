package dev.tended.worker.heartbeat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Where every cyclic part of the worker (each poller, the dispatcher) reports that it started and
 * completed a cycle, so that the heartbeat proves progress and not merely that a timer thread lives.
 * A part is wedged when its current cycle has made no progress for longer than the wedge limit, or
 * when it has not completed a cycle within its own period plus that limit (it stopped being scheduled
 * at all). A long cycle that keeps reporting {@link #progressed} (a big first poll recording batch
 * after batch) is working, not wedged. Besides the cycles, one-shot {@linkplain #taskStarted tasks}
 * that must end soon (recording the outcome of an attempt whose handler has finished) are wedged when
 * they stay open past the limit: a thread stuck inside the worker (in a write, a lock, a log call)
 * stops the heartbeat even while every cycle still turns. A pause of the whole process is no part's
 * fault: {@link #excusePause} moves every part's clock past it.
 *
 * <p>Thread-safe: each part writes only its own immutable entry; the heartbeat thread reads them.
 */
public final class ProgressBoard {
  /**
   * One part's last known cycle, on the monotonic clock. {@code runningSince} is when the running
   * cycle began or last {@linkplain #progressed progressed}, -1 when idle.
   */
  private record Cycle(long periodNanos, long lastCompletedNanos, long runningSinceNanos) {}

  /** A part that is not making progress, and for how long. */
  public record Wedge(String part, Duration stuckFor, boolean inCycle) {}

  private final Map<String, Cycle> cycles = new ConcurrentHashMap<>();
  /** Open one-shot tasks: when each began (or last progressed), on the monotonic clock. */
  private final Map<String, Long> tasks = new ConcurrentHashMap<>();
  private final LongSupplier nanoTime;

  /** {@code nanoTime} is a monotonic clock ({@code System::nanoTime} outside tests). */
  public ProgressBoard(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** Declares a part that should complete a cycle at least every {@code period}. */
  public void register(String part, Duration period) {
    cycles.put(part, new Cycle(period.toNanos(), nanoTime.getAsLong(), -1));
  }

  /** The part has begun a cycle. */
  public void started(String part) {
    cycles.computeIfPresent(part, (k, c) -> new Cycle(c.periodNanos(), c.lastCompletedNanos(), nanoTime.getAsLong()));
  }

  /**
   * The part's running cycle has made progress (a batch recorded): the cycle counts as running since
   * now, so a cycle that takes many wedge limits but keeps progressing is not a wedge.
   */
  public void progressed(String part) {
    cycles.computeIfPresent(part, (k, c) -> c.runningSinceNanos() < 0 ? c
        : new Cycle(c.periodNanos(), c.lastCompletedNanos(), nanoTime.getAsLong()));
  }

  /** A one-shot task that must end within the wedge limit has begun; {@code task} names it in a wedge. */
  public void taskStarted(String task) {
    tasks.put(task, nanoTime.getAsLong());
  }

  /** The task has ended, however it went. */
  public void taskEnded(String task) {
    tasks.remove(task);
  }

  /** The part has completed a cycle, successfully or not: either way it is not wedged. */
  public void completed(String part) {
    cycles.computeIfPresent(part, (k, c) -> new Cycle(c.periodNanos(), nanoTime.getAsLong(), -1));
  }

  /**
   * The part had nothing to do this period (another node polls its source): it counts as completed,
   * unless a cycle of it is running, whose wedge this must not hide.
   */
  public void idle(String part) {
    cycles.computeIfPresent(part, (k, c) -> c.runningSinceNanos() >= 0 ? c
        : new Cycle(c.periodNanos(), nanoTime.getAsLong(), -1));
  }

  /**
   * The whole process was held for {@code gap} (see {@link PauseDetector}): every part's last
   * progress moves forward by that gap (never past now), so no part is blamed for it, while a part
   * that was already stuck before the pause stays as stuck as it was.
   */
  public void excusePause(Duration gap) {
    long gapNanos = gap.toNanos();
    long now = nanoTime.getAsLong();
    cycles.replaceAll((part, c) -> new Cycle(c.periodNanos(), Math.min(now, c.lastCompletedNanos() + gapNanos),
        c.runningSinceNanos() < 0 ? -1 : Math.min(now, c.runningSinceNanos() + gapNanos)));
    tasks.replaceAll((task, since) -> Math.min(now, since + gapNanos));
  }

  /** The parts that have made no progress within {@code limit}. */
  public List<Wedge> wedged(Duration limit) {
    long now = nanoTime.getAsLong();
    long limitNanos = limit.toNanos();
    List<Wedge> out = new ArrayList<>();
    cycles.forEach((part, c) -> {
      if (c.runningSinceNanos() >= 0) {
        if (now - c.runningSinceNanos() > limitNanos) {
          out.add(new Wedge(part, Duration.ofNanos(now - c.runningSinceNanos()), true));
        }
      } else if (now - c.lastCompletedNanos() > c.periodNanos() + limitNanos) {
        out.add(new Wedge(part, Duration.ofNanos(now - c.lastCompletedNanos()), false));
      }
    });
    tasks.forEach((task, since) -> {
      if (now - since > limitNanos) {
        out.add(new Wedge(task, Duration.ofNanos(now - since), true));
      }
    });
    return out;
  }
}
