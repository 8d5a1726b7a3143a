package dev.tended.worker.handler;

import dev.tended.posix.ProcFs;
import dev.tended.posix.ProcStat;
import dev.tended.posix.ProcessTable;
import dev.tended.posix.Signal;
import dev.tended.posix.Signals;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processes of one attempt, so that all of them can be stopped, even those that outlive the
 * handler: its process group (the handler was started through {@code setsid}, so the group id is its
 * pid) plus every descendant seen by {@link #refresh()}, which catches children that moved to
 * another group while their parent still lived. (The supervisor's {@code WorkerTree} is another
 * thing: a worker and everything under it.)
 *
 * <p>A child that leaves the group and is orphaned between two refreshes (double fork plus
 * {@code setsid} within a fraction of a second) escapes; under systemd the service's cgroup still
 * ends it when the worker stops.
 *
 * <p>Not thread-safe: owned by the thread waiting for the attempt.
 */
final class HandlerGroup {
  private static final Logger LOG = LoggerFactory.getLogger(HandlerGroup.class);
  private static final long POLL_NANOS = Duration.ofMillis(20).toNanos();
  private static final Duration KILL_WAIT = Duration.ofSeconds(2);

  private final long pgid;
  private final Map<Long, ProcStat> members = new HashMap<>();

  HandlerGroup(long pgid) {
    this.pgid = pgid;
  }

  /** What {@link #stop} did, for the attempt's detail line. */
  record StopReport(int found, boolean killed, int survivors) {
    static final StopReport NOTHING = new StopReport(0, false, 0);
  }

  /**
   * Looks at {@code /proc} again: forgets members that ended, adds every running process of the
   * group and every running descendant of a member.
   *
   * @return the members still running
   */
  List<ProcStat> refresh() {
    ProcessTable now = ProcFs.table();
    members.values().removeIf(m -> now.get(m.pid()).filter(p -> p.running() && p.sameProcess(m)).isEmpty());
    for (ProcStat p : now.all()) {
      if (p.running() && p.pgrp() == pgid) {
        members.putIfAbsent(p.pid(), p);
      }
    }
    for (ProcStat d : now.descendants(List.copyOf(members.keySet()))) {
      if (d.running()) {
        members.putIfAbsent(d.pid(), d);
      }
    }
    return List.copyOf(members.values());
  }

  /**
   * Stops every running member: SIGTERM, up to {@code grace} for them to go, then SIGKILL and a short
   * wait. Returns at once when nothing runs. Not interruptible (an interrupt is kept for the caller):
   * leaving processes behind is worse than a bounded wait.
   */
  StopReport stop(Duration grace) {
    List<ProcStat> live = refresh();
    if (live.isEmpty()) {
      return StopReport.NOTHING;
    }
    int found = live.size();
    LOG.debug("handler_tree_term pgid={} processes={}", pgid, found);
    signal(live, Signal.TERM);
    if (waitUntilGone(grace)) {
      return new StopReport(found, false, 0);
    }
    live = refresh();
    LOG.info("handler_tree_kill pgid={} processes={} grace={}", pgid, live.size(), grace);
    signal(live, Signal.KILL);
    if (waitUntilGone(KILL_WAIT)) {
      return new StopReport(found, true, 0);
    }
    int survivors = refresh().size();
    LOG.warn("handler_tree_survivors pgid={} processes={}", pgid, survivors);
    return new StopReport(found, true, survivors);
  }

  private void signal(List<ProcStat> live, Signal signal) {
    boolean groupSignalled = false;
    for (ProcStat p : live) {
      try {
        if (p.pgrp() == pgid) {
          if (!groupSignalled) {
            Signals.toGroup(pgid, signal);
            groupSignalled = true;
          }
        } else if (ProcFs.stat(p.pid()).filter(p::sameProcess).isPresent()) {
          Signals.toProcess(p.pid(), signal);
        }
      } catch (RuntimeException e) {
        LOG.warn("handler_tree_signal_failed pgid={} pid={} signal={} error={}",
            pgid, p.pid(), signal, e.getMessage());
      }
    }
  }

  private boolean waitUntilGone(Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    boolean interrupted = false;
    try {
      while (true) {
        if (refresh().isEmpty()) {
          return true;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          Thread.sleep(Duration.ofNanos(Math.min(left, POLL_NANOS)).toMillis() + 1);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
