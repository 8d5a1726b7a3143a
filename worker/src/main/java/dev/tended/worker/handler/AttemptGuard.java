package dev.tended.worker.handler;

import dev.tended.logging.Kv;
import dev.tended.posix.OomKills;
import dev.tended.posix.ProcStat;
import dev.tended.worker.handler.HandlerResult.Ending;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an attempt's periodic check decides besides its timeout: whether the tree went over its
 * {@code handler.limits} ({@link LimitCheck}) or made no progress for {@code handler.progressTimeout}
 * ({@link ProgressWatch}), and, once the handler died of SIGKILL, whether the kernel's OOM killer
 * acted in the worker's cgroup meanwhile ({@link OomKills}). The attempt stops the tree on a
 * {@link Breach} as it does for a timeout; this class only decides, so the attempt's watch keeps one
 * owner of the processes.
 *
 * <p>Not thread-safe: owned by the thread that watches the attempt.
 */
final class AttemptGuard {
  /** How often an attempt is checked: often enough to see a cancel or a progress stall in time. */
  static final Duration CHECK_EVERY = Duration.ofMillis(250);
  /** How often when a limit is set: a tree that allocates or forks fast gets less room to overshoot. */
  static final Duration LIMITED_CHECK_EVERY = Duration.ofMillis(100);
  /** The exit status of a process killed by SIGKILL, as {@code wait} gives it. */
  static final int KILLED = 128 + 9;

  private static final Logger LOG = LoggerFactory.getLogger(AttemptGuard.class);
  /** The worker's cgroup is where it started: its counter is found once. */
  private static final OomKills OWN_CGROUP = OomKills.ofThisProcess();

  /** A check's verdict that the attempt must stop now. */
  record Breach(Ending ending, String why) {}

  private final long pid;
  private final LimitCheck limits;
  private final ProgressWatch progress;
  private final Supplier<Optional<OomKills.Count>> oomKills;
  private final Optional<OomKills.Count> oomKillsAtStart;

  /**
   * @param outputBytes bytes of output received so far, both streams together
   * @param startNanos {@link System#nanoTime()} when the progress clock starts: the handler's start,
   *     or its adoption by a later worker (whatever it did before, its progress file shows no more)
   */
  AttemptGuard(long pid, HandlerRequest request, LongSupplier outputBytes, long startNanos) {
    this(pid, request, outputBytes, startNanos, OWN_CGROUP::read);
  }

  /** @param oomKills reads the OOM-kill counter of the worker's cgroup; empty where there is none */
  AttemptGuard(long pid, HandlerRequest request, LongSupplier outputBytes, long startNanos,
      Supplier<Optional<OomKills.Count>> oomKills) {
    this.pid = pid;
    this.limits = new LimitCheck(request.limits());
    this.progress = new ProgressWatch(request.progressFile(), request.progressTimeout(), outputBytes, startNanos);
    this.oomKills = Objects.requireNonNull(oomKills, "oomKills");
    this.oomKillsAtStart = oomKills.get();
  }

  /** How long between two checks. */
  long checkEveryNanos() {
    return (limits.any() ? LIMITED_CHECK_EVERY : CHECK_EVERY).toNanos();
  }

  /**
   * One check, on the tree's running {@code members} as a look at {@code /proc} just found them:
   * the limit first (it protects the machine), then progress.
   */
  Optional<Breach> check(List<ProcStat> members, long nowNanos) {
    if (limits.any()) {
      TreeUsage usage = TreeUsage.of(members);
      Optional<String> over = limits.exceeded(usage);
      if (over.isPresent()) {
        LOG.warn("handler_limit_exceeded pid={} processes={} resident={} detail={}", pid, usage.processes(),
            Kv.q(TreeUsage.mib(usage.residentBytes())), Kv.q(over.get()));
        return Optional.of(new Breach(Ending.LIMIT_EXCEEDED, over.get()));
      }
    }
    Optional<String> stalled = progress.check(nowNanos);
    if (stalled.isPresent()) {
      LOG.warn("handler_no_progress pid={} detail={}", pid, Kv.q(stalled.get()));
      return Optional.of(new Breach(Ending.NO_PROGRESS, stalled.get()));
    }
    return Optional.empty();
  }

  /**
   * What to add to the detail of a handler that exited with {@code exitCode}: for one killed by
   * SIGKILL while the kernel's OOM killer killed in the worker's cgroup, that it did; else nothing
   * (no counter to read, another signal, or no OOM kill since the start).
   */
  String exitNote(int exitCode) {
    if (exitCode != KILLED || oomKillsAtStart.isEmpty()) {
      return "";
    }
    Optional<OomKills.Count> now = oomKills.get();
    if (now.isEmpty() || now.get().kills() <= oomKillsAtStart.get().kills()) {
      return "";
    }
    long kills = now.get().kills() - oomKillsAtStart.get().kills();
    LOG.warn("handler_oom_killed pid={} oom_kills={} counter={}", pid, kills, Kv.q(now.get().file().toString()));
    return " (SIGKILL): killed by the kernel's OOM killer (" + kills + " OOM kill" + (kills == 1 ? "" : "s")
        + " in the worker's cgroup during the attempt, " + now.get().file() + ")";
  }
}
