package dev.tended.worker.handler;

import dev.tended.posix.ProcFs;
import dev.tended.posix.ProcStat;
import dev.tended.posix.ProcessTable;
import dev.tended.posix.Signal;
import dev.tended.posix.Signals;
import dev.tended.posix.Subreaper;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processes of one attempt, so that all of them can be stopped, even those that escape the
 * handler. A process belongs to the attempt when any of these holds:
 *
 * <ul>
 *   <li>it is in the handler's process group (the handler was started through {@code setsid}, so
 *       the group id is its pid);
 *   <li>it descends from a member (children that moved to another group or session while their
 *       parent still lived);
 *   <li>its environment holds the attempt's marker ({@code TENDED_ATTEMPT_TOKEN=<random>}, which
 *       every process the handler starts inherits): a daemon made with {@code setsid -f},
 *       {@code nohup … &} or a double fork, orphaned before any look at {@code /proc} saw it. Only
 *       processes started after the handler are read for it, each once.
 * </ul>
 *
 * <p>Orphans re-parent to the worker (a {@link Subreaper}), which reaps those of them it killed.
 * A process that clears its environment and is orphaned between two looks at {@code /proc} still
 * escapes; under systemd the service's cgroup ends it when the worker stops.
 *
 * <p>{@link #stop} sends SIGTERM, waits the kill grace, then freezes everything it finds with
 * SIGSTOP, looks again until a look finds nothing new (a frozen process cannot fork), and only then
 * kills them all: a tree that forks while it is being stopped (a fork bomb, a double fork in a TERM
 * trap) cannot outrun it.
 *
 * <p>Not thread-safe: owned by the thread waiting for the attempt.
 */
final class HandlerGroup {
  /** The name of the marker variable in every handler's environment. */
  static final String MARKER_VARIABLE = "TENDED_ATTEMPT_TOKEN";

  private static final Logger LOG = LoggerFactory.getLogger(HandlerGroup.class);
  private static final long POLL_NANOS = Duration.ofMillis(20).toNanos();
  private static final Duration FREEZE_LIMIT = Duration.ofSeconds(5);
  private static final Duration KILL_WAIT = Duration.ofSeconds(3);
  private static final Duration REAP_WAIT = Duration.ofSeconds(2);

  private final long pgid;
  private final String marker;
  private final long notBeforeTicks;
  private final long self = ProcessHandle.current().pid();
  private final Map<Long, ProcStat> members = new HashMap<>();
  /**
   * Every process ever a member, the handler too (its parent is its waiter, never the JDK; killed with
   * its waiter, it is re-parented to the worker): the worker may reap these, never others.
   */
  private final Map<Long, ProcStat> seen = new HashMap<>();
  /** Processes whose environment was read and did not hold the marker, by pid, with their start. */
  private final Map<Long, Long> notOurs = new HashMap<>();
  private boolean interrupted;

  /**
   * @param pgid the handler's pid, which leads its process group
   * @param token the value of {@link #MARKER_VARIABLE} in the handler's environment
   */
  HandlerGroup(long pgid, String token) {
    this(pgid, token, ProcFs.stat(pgid).map(ProcStat::startTicks).orElse(0L));
  }

  /** @param notBeforeTicks when the handler started: no process started earlier is read for the marker */
  HandlerGroup(long pgid, String token, long notBeforeTicks) {
    this.pgid = pgid;
    this.marker = MARKER_VARIABLE + "=" + token;
    this.notBeforeTicks = notBeforeTicks;
    // The handler is known from the start: one that ends before any look is reaped all the same.
    ProcFs.stat(pgid).filter(p -> p.startTicks() == notBeforeTicks).ifPresent(p -> seen.put(p.pid(), p));
  }

  /** What {@link #stop} did, for the attempt's detail line. */
  record StopReport(int found, boolean killed, int survivors) {
    static final StopReport NOTHING = new StopReport(0, false, 0);
  }

  /**
   * Looks at {@code /proc} again: forgets members that ended (reaping those re-parented to the
   * worker), adds every running process of the group, every running descendant of a member and
   * every running process carrying the marker.
   *
   * @return the members still running, each as this look saw it
   */
  List<ProcStat> refresh() {
    ProcessTable now = ProcFs.table();
    reapEnded(now);
    members.values().removeIf(m -> now.get(m.pid()).filter(p -> p.running() && p.sameProcess(m)).isEmpty());
    members.replaceAll((pid, m) -> now.get(pid).orElse(m)); // as this look saw them: memory, state
    for (ProcStat p : now.all()) {
      if (p.running() && p.pgrp() == pgid) {
        add(p);
      }
    }
    for (ProcStat d : now.descendants(List.copyOf(members.keySet()))) {
      if (d.running()) {
        add(d);
      }
    }
    notOurs.keySet().removeIf(pid -> now.get(pid).isEmpty());
    for (ProcStat p : now.all()) {
      if (p.running() && p.startTicks() >= notBeforeTicks && p.pid() != self && !members.containsKey(p.pid())
          && !Long.valueOf(p.startTicks()).equals(notOurs.get(p.pid()))) {
        Optional<Boolean> holds = ProcFs.environmentHolds(p.pid(), marker);
        if (holds.orElse(false)) {
          add(p);
          now.descendants(List.of(p.pid())).stream().filter(ProcStat::running).forEach(this::add);
        } else if (holds.isPresent()) {
          notOurs.put(p.pid(), p.startTicks()); // Read and not ours; unreadable ones are read again.
        }
      }
    }
    return List.copyOf(members.values());
  }

  private void add(ProcStat p) {
    if (members.putIfAbsent(p.pid(), p) == null) {
      seen.put(p.pid(), p);
    }
  }

  /** Reaps the former members that ended as children of the worker; forgets those gone. */
  private void reapEnded(ProcessTable now) {
    seen.values().removeIf(s -> {
      ProcStat p = now.get(s.pid()).filter(s::sameProcess).orElse(null);
      if (p == null) {
        return true;
      }
      return !p.running() && p.ppid() == self && Subreaper.reap(p.pid());
    });
  }

  /**
   * Stops every running member: SIGTERM, up to {@code grace} for them to go, then the freeze and the
   * kill. Returns at once when nothing runs. Not interruptible (an interrupt is kept for the caller):
   * leaving processes behind is worse than a bounded wait.
   */
  StopReport stop(Duration grace) {
    try {
      return stopTree(grace);
    } finally {
      if (interrupted) {
        interrupted = false;
        Thread.currentThread().interrupt();
      }
    }
  }

  private StopReport stopTree(Duration grace) {
    List<ProcStat> live = lastLook();
    if (live.isEmpty()) {
      reapRemaining();
      return StopReport.NOTHING;
    }
    int found = live.size();
    LOG.debug("handler_tree_term pgid={} processes={}", pgid, found);
    signal(live, Signal.TERM);
    if (waitUntilGone(grace) && lastLook().isEmpty()) {
      reapRemaining();
      return new StopReport(found, false, 0);
    }
    int frozen = freezeAndKill(grace);
    int survivors = waitUntilGone(KILL_WAIT) ? 0 : killUntilGone();
    if (survivors == 0 && !lastLook().isEmpty()) {
      frozen += freezeAndKill(grace);
      survivors = waitUntilGone(KILL_WAIT) ? 0 : killUntilGone();
    }
    if (survivors > 0) {
      LOG.warn("handler_tree_survivors pgid={} processes={}", pgid, survivors);
    }
    reapRemaining();
    return new StopReport(Math.max(found, frozen), true, survivors);
  }

  private int freezeAndKill(Duration grace) {
    int frozen = freeze();
    LOG.info("handler_tree_kill pgid={} processes={} grace={}", pgid, frozen, grace);
    signal(List.copyOf(members.values()), Signal.KILL);
    return frozen;
  }

  /** One more look that reads again every environment read before, for what a look in passing missed. */
  private List<ProcStat> lastLook() {
    notOurs.clear();
    return refresh();
  }

  /**
   * Sends SIGSTOP to every member and looks again until a look finds no member it has not sent it to,
   * so that nothing of the tree can fork any more; bounded by {@link #FREEZE_LIMIT}.
   *
   * @return how many processes are frozen
   */
  private int freeze() {
    long deadline = System.nanoTime() + FREEZE_LIMIT.toNanos();
    Map<Long, Long> signalled = new HashMap<>(); // pid -> start, so that a reused pid counts as new
    while (true) {
      List<ProcStat> live = refresh();
      List<ProcStat> fresh = live.stream().filter(p -> !Long.valueOf(p.startTicks()).equals(signalled.get(p.pid())))
          .toList();
      if (fresh.isEmpty() || System.nanoTime() - deadline >= 0) {
        return live.size();
      }
      signal(fresh, Signal.STOP);
      fresh.forEach(p -> signalled.put(p.pid(), p.startTicks()));
      pause(Duration.ofMillis(5));
    }
  }

  /** After SIGKILL did not empty the tree in time: kills what is left again until none is, bounded. */
  private int killUntilGone() {
    long deadline = System.nanoTime() + KILL_WAIT.toNanos();
    while (true) {
      List<ProcStat> live = refresh();
      if (live.isEmpty() || System.nanoTime() - deadline >= 0) {
        return live.size();
      }
      signal(live, Signal.KILL);
      pause(Duration.ofMillis(20));
    }
  }

  /** Reaps the killed members that became zombies of the worker, including those orphaned late. */
  private void reapRemaining() {
    long deadline = System.nanoTime() + REAP_WAIT.toNanos();
    while (!seen.isEmpty() && System.nanoTime() - deadline < 0) {
      ProcessTable now = ProcFs.table();
      reapEnded(now);
      if (seen.values().stream().allMatch(s -> now.get(s.pid()).filter(p -> p.ppid() != self).isPresent())) {
        return; // What is left is someone else's to reap (or runs still, which stop reports).
      }
      pause(Duration.ofMillis(10));
    }
  }

  /**
   * Signals the group once for the members in it now, and each other member by its pid. Read anew:
   * a member first seen in the group may have left it since ({@code setsid} right after its fork).
   */
  private void signal(List<ProcStat> live, Signal signal) {
    boolean groupSignalled = false;
    for (ProcStat seenAs : live) {
      ProcStat p = ProcFs.stat(seenAs.pid()).filter(seenAs::sameProcess).orElse(null);
      if (p == null) {
        continue;
      }
      try {
        if (p.pgrp() == pgid) {
          if (!groupSignalled) {
            Signals.toGroup(pgid, signal);
            groupSignalled = true;
          }
        } else {
          Signals.toProcess(p.pid(), signal);
        }
      } catch (RuntimeException e) {
        LOG.warn("handler_tree_signal_failed pgid={} pid={} signal={} error={}",
            pgid, seenAs.pid(), signal, e.getMessage());
      }
    }
  }

  private boolean waitUntilGone(Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      if (refresh().isEmpty()) {
        return true;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      pause(Duration.ofNanos(Math.min(left, POLL_NANOS)));
    }
  }

  /** Sleeps; an interrupt never cuts a stop short, and {@link #stop} hands it back when it returns. */
  private void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis() + 1);
    } catch (InterruptedException e) {
      interrupted = true;
    }
  }
}
