package dev.tended.bench.e2e;

import dev.tended.bench.Figure;
import dev.tended.bench.Format;
import dev.tended.status.WorkerStatus;
import dev.tended.testkit.Jars;
import dev.tended.testkit.JvmFlags;
import dev.tended.testkit.StatusProbe;
import dev.tended.testkit.TestConfig;
import dev.tended.testkit.WorkerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Crash ({@code kill -9}) and freeze ({@code SIGSTOP}) of a worker → the new worker's first beat,
 * under tended's supervisor and under monit, on the same kind of data folder with the same threshold
 * ({@code staleAfter} 10 s, heartbeat every 2 s). The freeze comes right after a beat, the worst case.
 * Under systemd's own watchdog: {@link SystemdSection}.
 */
public final class RestartSection {
  static final int STALE_AFTER_S = 10;

  private final Jars jars;
  private final JvmFlags flags;
  private final Path work;

  public RestartSection(Jars jars, JvmFlags flags, Path work) {
    this.jars = jars;
    this.flags = flags;
    this.work = work;
  }

  public List<Figure> run() throws Exception {
    List<Figure> out = new ArrayList<>();
    if (jars.supervisor().isPresent()) {
      out.addAll(measure("supervisor"));
    } else {
      String why = "supervisor jar not built (bench/run.sh builds it)";
      out.add(Figure.notMeasured("crash → new worker's first beat (supervisor)", "kill -9", "≤ 2 s", why));
      out.add(Figure.notMeasured("freeze → new worker's first beat (supervisor)", "SIGSTOP, staleAfter 10 s",
          "≤ 13 s", why));
    }
    if (Watchers.monitInstalled()) {
      out.addAll(measure("monit"));
    } else {
      out.add(Figure.notMeasured("freeze → new worker's first beat (monit)", "SIGSTOP", "-",
          "monit is not installed (apt-get install monit)"));
    }
    return out;
  }

  private List<Figure> measure(String kind) throws Exception {
    TestConfig config = WorkerRig.config(work.resolve("restart-" + kind)).heartbeatInterval("2s");
    config.addJsonQueue("ideas", "ideas_log.json", "2s", 1, Path.of("/bin/true"));
    List<String> workerCmd = new WorkerRig(config, jars.worker()).workerCommand(flags);
    config.supervisor(Watchers.supervisorSection(STALE_AFTER_S, workerCmd)).write();
    StatusProbe status = StatusProbe.tolerant(config.statusFile());
    List<Figure> out = new ArrayList<>();
    try (Watchers.Watcher watcher = kind.equals("monit")
        ? Watchers.monit(config, workerCmd, STALE_AFTER_S)
        : Watchers.supervisor(jars.supervisor().orElseThrow(), flags, config)) {
      WorkerStatus first = status.await(s -> "running".equals(s.state()), Duration.ofSeconds(60)).status();

      long crashed = freshBeat(status, first.pid());
      long t0 = System.nanoTime();
      WorkerProcess.signal(crashed, "KILL");
      StatusProbe.Seen next = status.await(StatusProbe.beatOfAnotherThan(crashed), Duration.ofSeconds(60));
      double crashS = (next.atNanos() - t0) / 1e9;
      out.add(kind.equals("supervisor")
          ? Figure.atMost("crash → new worker's first beat (supervisor)", "kill -9 of the worker", crashS, "s", 2, "")
          : Figure.info("crash → new worker's first beat (monit)", "kill -9; monit sees only the timestamp",
              Format.number(crashS) + " s", "monit learns of a crash only when the file goes stale"));

      long frozen = freshBeat(status, next.status().pid());
      WorkerStatus lastBeat = status.read().orElseThrow();
      t0 = System.nanoTime();
      WorkerProcess.signal(frozen, "STOP");
      try {
        StatusProbe.Seen after = status.await(StatusProbe.beatOfAnotherThan(frozen), Duration.ofSeconds(60));
        double freezeS = (after.atNanos() - t0) / 1e9;
        String note = "";
        List<Long> restarts = watcher.restartsStartedAt();
        if (!restarts.isEmpty()) {
          long staleAt = lastBeat.updatedAt().toEpochMilli() * 1_000_000L + STALE_AFTER_S * 1_000_000_000L;
          note = "threshold crossed → restart script ran: "
              + Format.number((restarts.get(restarts.size() - 1) - staleAt) / 1e6) + " ms";
        }
        out.add(Figure.atMost("freeze → new worker's first beat (" + kind + ")",
            "SIGSTOP right after a beat, staleAfter " + STALE_AFTER_S + " s", freezeS, "s", STALE_AFTER_S + 3, note));
      } finally {
        ProcessHandle.of(frozen).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
    return out;
  }

  /** Waits for {@code pid}'s next beat, so that a signal comes right after one; returns the pid. */
  private static long freshBeat(StatusProbe status, long pid) throws Exception {
    long seq = status.read().map(WorkerStatus::sequence).orElse(-1L);
    status.await(s -> s.pid() == pid && s.sequence() > seq, Duration.ofSeconds(30));
    return pid;
  }
}
