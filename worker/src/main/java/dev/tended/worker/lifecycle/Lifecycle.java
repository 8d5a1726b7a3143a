package dev.tended.worker.lifecycle;

import dev.tended.logging.Kv;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the worker's parts in the order they are registered and stops them in reverse, all within
 * one stop budget (after {@code supervisor.stopGrace} the supervisor sends SIGKILL). Every part takes
 * its share from one shared deadline: what is left of the budget, less a small reserve for each part
 * still to stop, so a part that overruns leaves the later ones (the final status, the ledger's close)
 * their time; no part gets less than that reserve, so the stop may pass the budget by at most one
 * reserve per part (a quarter of the budget in all). A part's stop runs on its own thread ({@code stop-<name>}); one that has not returned
 * when its share is spent is logged and left behind, so a part that hangs cannot hold the stop past
 * the budget.
 *
 * <p>Not thread-safe: {@link #manage} is called by the thread that starts the worker and
 * {@link #stop} by the one that stops it, after the start returned or failed. The stop is idempotent.
 */
public final class Lifecycle {
  private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);
  /** The most any later part reserves of an earlier part's share. */
  static final Duration MAX_RESERVE = Duration.ofMillis(500);

  private static final long GRACE_NANOS = 50_000_000;

  private record Part(String name, Managed managed) {}

  private final Deque<Part> started = new ArrayDeque<>();
  private final AtomicBoolean stopped = new AtomicBoolean();

  /**
   * Starts {@code part} now and registers it to be stopped before every part registered earlier.
   * A part whose start throws is not registered (it cleans up after itself); the ones started before
   * it are stopped by {@link #stop}.
   *
   * @return {@code part}, for assignment where it is created
   */
  public <T extends Managed> T manage(String name, T part) throws Exception {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(part, "part");
    if (stopped.get()) {
      throw new IllegalStateException("lifecycle already stopped; not starting " + name);
    }
    part.start();
    started.push(new Part(name, part));
    return part;
  }

  /**
   * Stops every started part in reverse order within {@code budget}. A part that throws or overruns
   * its share is logged and the stop goes on with the next. Only the first call stops anything.
   */
  public void stop(Duration budget) {
    if (stopped.getAndSet(true)) {
      return;
    }
    long deadline = System.nanoTime() + budget.toNanos();
    long reserve = Math.min(MAX_RESERVE.toNanos(), budget.toNanos() / (4L * Math.max(1, started.size())));
    while (!started.isEmpty()) {
      Part part = started.pop();
      long share = Math.max(reserve, deadline - System.nanoTime() - reserve * started.size());
      stopOne(part, Duration.ofNanos(share));
    }
  }

  private void stopOne(Part part, Duration share) {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t = new Thread(() -> {
      try {
        part.managed().stop(share);
      } catch (Throwable e) {
        failure.set(e);
      }
    }, "stop-" + part.name());
    t.setDaemon(true);
    long t0 = System.nanoTime();
    t.start();
    // A little past the share: the part was told its share and should return within it.
    joinUntil(t, t0 + share.toNanos() + GRACE_NANOS);
    long tookMs = (System.nanoTime() - t0) / 1_000_000;
    if (t.isAlive()) {
      log.warn("stop_part_overran part={} share_ms={} took_ms={} note=\"left behind; the stop goes on\"",
          part.name(), share.toMillis(), tookMs);
    } else if (failure.get() != null) {
      log.error("stop_part_failed part={} error={}", part.name(), Kv.q(failure.get().toString()), failure.get());
    } else if (tookMs > share.toMillis()) {
      log.warn("stop_part_overran part={} share_ms={} took_ms={}", part.name(), share.toMillis(), tookMs);
    } else {
      log.debug("stop_part_done part={} share_ms={} took_ms={}", part.name(), share.toMillis(), tookMs);
    }
  }

  /** Waits for {@code t} until {@code deadline}; an interrupt does not cut the stop short, it is kept. */
  private static void joinUntil(Thread t, long deadline) {
    boolean interrupted = false;
    for (long left; t.isAlive() && (left = deadline - System.nanoTime()) > 0; ) {
      try {
        t.join(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
