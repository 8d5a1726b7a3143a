package dev.tended.supervisor.restart;

import dev.tended.posix.ProcFs;
import dev.tended.posix.Signal;
import dev.tended.posix.Signals;
import dev.tended.posix.Subreaper;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker process and its descendants, stopped as one: what the supervisor does to a worker it
 * stops (not to be confused with the worker's own {@code HandlerGroup}, a handler's process group).
 * Stops a worker and everything it started: SIGTERM and then SIGCONT to the worker, {@code grace},
 * SIGKILL if it is still there; then whatever it left running gets SIGTERM and the rest of the grace,
 * then SIGKILL.
 *
 * <p>Why only the worker gets TERM first: a worker that can still act stops its handlers itself,
 * letting them finish within part of the grace and handing back the items of those it has to stop,
 * so no attempt is counted for a stop; a handler that got TERM behind the worker's back would exit
 * and be recorded as a failed attempt. Only what outlives the worker (a wedged or frozen worker
 * cannot pass the word on) is told directly. Why TERM then CONT: a worker frozen with SIGSTOP does
 * not act on SIGTERM until it is continued. Sending TERM first makes it pending, so the moment CONT
 * resumes the JVM its shutdown starts before anything else runs; a JVM that was merely frozen (not
 * wedged) then stops cleanly and writes {@code state: "stopped"}. A JVM that is really wedged cannot
 * finish its shutdown and is killed when the grace runs out; KILL needs no CONT. Descendants are
 * collected before TERM and again before KILL, because once the worker dies they are re-parented
 * and can no longer be found through it. {@link ProcessHandle} carries the start time, so a recycled
 * pid is never killed by mistake. Descendants that end up as the supervisor's children (it is a
 * {@link Subreaper}) are reaped once gone. Recorded handlers and their waiters are never among what
 * is killed ({@link RecordedHandlers}); a stall restart or a leftover worker gets HUP rather than TERM
 * (a hand-over: a worker that can still act leaves its handlers running for the next one, where TERM
 * would make it stop them and hand their items back). Stateless.
 */
final class WorkerTree {
  private static final Logger log = LoggerFactory.getLogger(WorkerTree.class);

  private WorkerTree() {}

  /**
   * Stops {@code root} with {@code first} (TERM: a stop, the worker hands its items back; HUP: a
   * hand-over, the worker leaves its handlers running) and what it leaves that {@code spare} does not
   * protect. Returns true when the worker and every process killed are gone. Bounded by {@code grace}
   * plus a few seconds.
   */
  static boolean stop(ProcessHandle root, Duration grace, String why, Signal first, RecordedHandlers spare) {
    Map<Long, ProcessHandle> tree = new LinkedHashMap<>();
    collect(root, tree);
    long started = System.nanoTime();
    boolean graceful = false;
    if (root.isAlive()) {
      signal(root, first);
      graceful = waitFor(root, grace);
    }
    if (!graceful && root.isAlive()) {
      collect(root, tree);
      log.warn("worker_stop_grace_expired pid={} grace_ms={} reason={} signal={} action=kill",
          root.pid(), grace.toMillis(), why, first);
      root.destroyForcibly();
    }
    waitFor(root, Duration.ofSeconds(5));
    // The worker is gone: what it left running, but for recorded handlers, is told to stop, has the
    // rest of the grace, then is killed.
    List<ProcessHandle> rest = spare.killable(tree.values().stream().filter(p -> !gone(p)).toList(), why);
    long left = grace.toNanos() - (System.nanoTime() - started);
    int killed = stopAll(rest, Duration.ofNanos(Math.max(Duration.ofSeconds(1).toNanos(), left)));
    boolean gone = gone(root) && allGone(rest, Duration.ofSeconds(1));
    log.info("worker_process_stopped pid={} reason={} signal={} graceful={} killed_descendants={} spared={} took_ms={} "
            + "all_gone={}", root.pid(), why, first, graceful, killed,
        tree.values().stream().filter(p -> !gone(p)).count() - rest.stream().filter(p -> !gone(p)).count(),
        (System.nanoTime() - started) / 1_000_000, gone);
    return gone;
  }

  /**
   * Stops processes that have no live worker above them (TERM, CONT, {@code grace}, KILL), reaps
   * those that are the supervisor's children, and returns how many had to be killed.
   */
  static int stopAll(Collection<ProcessHandle> processes, Duration grace) {
    processes.forEach(WorkerTree::terminate);
    return stopRest(processes, grace);
  }

  private static int stopRest(Collection<ProcessHandle> processes, Duration grace) {
    allGone(processes, grace);
    int killed = 0;
    for (ProcessHandle p : processes) {
      if (!gone(p)) {
        killed++;
        p.destroyForcibly();
      }
    }
    allGone(processes, Duration.ofSeconds(2));
    processes.forEach(p -> Subreaper.reap(p.pid()));
    return killed;
  }

  private static void terminate(ProcessHandle p) {
    signal(p, Signal.TERM);
  }

  /** {@code signal}, then CONT (a frozen process acts on it only once continued). */
  private static void signal(ProcessHandle p, Signal signal) {
    if (p.isAlive()) {
      if (signal == Signal.TERM) {
        p.destroy();
      } else {
        try {
          Signals.toProcess(p.pid(), signal);
        } catch (RuntimeException e) {
          log.debug("worker_tree_signal_failed pid={} signal={} error=\"{}\"", p.pid(), signal, e.getMessage());
        }
      }
      try {
        Signals.toProcess(p.pid(), Signal.CONT);
      } catch (RuntimeException e) {
        log.debug("worker_tree_cont_failed pid={} error=\"{}\"", p.pid(), e.getMessage());
      }
    }
  }

  private static void collect(ProcessHandle root, Map<Long, ProcessHandle> into) {
    root.descendants().forEach(p -> into.putIfAbsent(p.pid(), p));
  }

  /** Waits until every one of {@code processes} is gone or {@code limit} has passed. */
  private static boolean allGone(Collection<ProcessHandle> processes, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    boolean gone = true;
    for (ProcessHandle p : List.copyOf(processes)) {
      gone &= waitFor(p, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }
    return gone;
  }

  private static boolean waitFor(ProcessHandle p, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      if (gone(p)) {
        return true;
      }
      try {
        p.onExit().get(Math.min(100, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)), TimeUnit.MILLISECONDS);
        return true;
      } catch (TimeoutException | ExecutionException e) {
        if (gone(p)) {
          return true;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return gone(p);
      }
      if (System.nanoTime() - deadline >= 0) {
        return gone(p);
      }
    }
  }

  /**
   * Dead, or a zombie: a killed descendant re-parented to an init that does not reap (containers)
   * stays a zombie, which holds no resources and runs nothing.
   */
  static boolean gone(ProcessHandle p) {
    if (!p.isAlive()) {
      return true;
    }
    return ProcFs.stat(p.pid()).map(s -> !s.running()).orElse(!p.isAlive());
  }
}
