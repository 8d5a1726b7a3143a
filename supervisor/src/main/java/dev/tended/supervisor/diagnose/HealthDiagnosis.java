package dev.tended.supervisor.diagnose;

import dev.tended.posix.ProcFs;
import dev.tended.posix.ProcStat;
import dev.tended.config.ConfigException;
import dev.tended.config.ConfigLoader;
import dev.tended.config.SourceConfig;
import dev.tended.config.SourceType;
import dev.tended.config.TendedConfig;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.LedgerView;
import dev.tended.ledger.RunningItem;
import dev.tended.ledger.LedgerStore;
import dev.tended.ledger.LedgerStores;
import dev.tended.status.SourceStatus;
import dev.tended.status.StatusFiles;
import dev.tended.status.WorkerStatus;
import dev.tended.supervisor.diagnose.HealthReport.Check;
import dev.tended.supervisor.diagnose.HealthReport.Level;
import dev.tended.supervisor.restart.RestartEvent;
import dev.tended.supervisor.restart.StateFile;
import dev.tended.supervisor.restart.SupervisorState;
import dev.tended.queue.QueueFileCheck;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code health-diagnose}: judges the installation from what is on disk and in {@code /proc}, whether
 * or not the supervisor runs. A one-shot command has no monotonic history, so "fresh" here means the
 * status file's {@code updatedAt} is within {@code staleAfter} of now by the wall clock; the
 * supervisor's own stall detection does not depend on that and is immune to clock jumps. Never throws:
 * a check that cannot be made says so.
 */
public final class HealthDiagnosis {
  /** Below this share of the data folder's disk free, disk space is degraded (and {@code disk_low} fires). */
  public static final double MIN_FREE_SHARE = 0.05;
  /** Below this many bytes free, disk space is degraded (and {@code disk_low} fires). */
  public static final long MIN_FREE_BYTES = 256L * 1024 * 1024;
  /** The disk rule in words. */
  public static final String DISK_LOW_RULE = "5% or 256 MiB";

  private final Clock wall;

  public HealthDiagnosis(Clock wall) {
    this.wall = wall;
  }

  /** Runs every check against the installation configured in {@code configFile}. */
  public HealthReport run(Path configFile) {
    Instant now = wall.instant();
    List<Check> checks = new ArrayList<>();
    TendedConfig config;
    try {
      config = ConfigLoader.load(configFile);
    } catch (ConfigException e) {
      checks.add(new Check("config", Level.UNKNOWN, String.join("; ", e.problems())));
      return new HealthReport(now, configFile.toString(), checks);
    }
    checks.add(new Check("config", Level.OK, config.configFile() + " valid (" + config.sources().size()
        + " sources, staleAfter " + secs(config.supervisor().staleAfter()) + ")"));
    if (!Files.isDirectory(config.dataDir()) || !Files.isReadable(config.dataDir())) {
      checks.add(new Check("data_dir", Level.UNKNOWN, config.dataDir() + " does not exist or cannot be read"));
      return new HealthReport(now, config.configFile().toString(), checks);
    }

    Optional<WorkerStatus> status = statusCheck(config, now, checks);
    processCheck(status, checks);
    sourcesCheck(config, status, now, checks);
    FastPathCheck.of(status).ifPresent(checks::add);
    OutcomesRecordedCheck.of(status, now).ifPresent(checks::add);
    queueFilesCheck(config, status, checks);
    Optional<Map<String, Map<ItemState, Long>>> counts = ledgerCheck(config, checks);
    ClusterCheck.of(config).ifPresent(checks::add);
    deadItemsCheck(config, status, counts, checks);
    breakersCheck(status, checks);
    PausedCheck.of(status).ifPresent(checks::add);
    WorkStuckCheck.of(config, status).ifPresent(checks::add);
    checks.add(LongHandlersCheck.reading(config, HealthDiagnosis::runningItems, now));
    diskCheck(config, checks);
    restartsCheck(config, now, checks);
    ConfigReloadCheck.of(config.dataDir()).ifPresent(checks::add);
    return new HealthReport(now, config.configFile().toString(), checks);
  }

  private Optional<WorkerStatus> statusCheck(TendedConfig config, Instant now, List<Check> checks) {
    Path file = config.heartbeat().file();
    WorkerStatus s;
    try {
      s = StatusFiles.read(file);
    } catch (NoSuchFileException e) {
      checks.add(new Check("status_file", Level.UNHEALTHY, file + " does not exist (worker never started here?)"));
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      checks.add(new Check("status_file", Level.UNHEALTHY, file + " does not parse: " + oneLine(e.getMessage())));
      return Optional.empty();
    }
    Duration stale = config.supervisor().staleAfter();
    if (s.updatedAt() == null) {
      checks.add(new Check("status_file", Level.UNHEALTHY, file + " has no updatedAt"));
      return Optional.of(s);
    }
    Duration age = Duration.between(s.updatedAt(), now);
    String figures = "sequence " + s.sequence() + ", state " + s.state() + ", pid " + s.pid();
    if ("stopped".equals(s.state())) {
      checks.add(new Check("status_file", Level.UNHEALTHY,
          "worker stopped " + secs(age) + " ago (" + figures + ")"));
    } else if (age.compareTo(stale) > 0) {
      checks.add(new Check("status_file", Level.UNHEALTHY,
          "stale: updated " + secs(age) + " ago, staleAfter " + secs(stale) + " (" + figures + ")"));
    } else if (age.negated().compareTo(stale) > 0) {
      checks.add(new Check("status_file", Level.DEGRADED, "updatedAt is " + secs(age.negated())
          + " in the future: the clocks disagree, freshness cannot be judged by wall clock (" + figures + ")"));
    } else {
      checks.add(new Check("status_file", Level.OK,
          "updated " + secs(age.isNegative() ? Duration.ZERO : age) + " ago, staleAfter " + secs(stale) + " ("
              + figures + ")"));
    }
    return Optional.of(s);
  }

  private void processCheck(Optional<WorkerStatus> status, List<Check> checks) {
    if (status.isEmpty()) {
      checks.add(new Check("worker_process", Level.UNHEALTHY, "no status file, so no pid to check"));
      return;
    }
    long pid = status.get().pid();
    Optional<ProcessHandle> h = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    if (h.isEmpty()) {
      checks.add(new Check("worker_process", Level.UNHEALTHY, "pid " + pid + " is not running"));
      return;
    }
    String cmd = ProcFs.cmdline(pid).orElse("");
    if (!isWorker(cmd)) {
      checks.add(new Check("worker_process", Level.UNHEALTHY, "pid " + pid
          + " is alive but is not a tended worker (pid reused?): " + abbreviate(cmd)));
      return;
    }
    Optional<ProcStat> stat = ProcFs.stat(pid);
    Level level = stat.map(ProcStat::stopped).orElse(false) ? Level.UNHEALTHY : Level.OK;
    checks.add(new Check("worker_process", level, "pid " + pid + " alive, state "
        + stat.map(st -> ProcStat.describe(st.state())).orElse("?") + ": " + abbreviate(cmd)));
  }

  static boolean isWorker(String cmdline) {
    return cmdline.contains("tended-worker") || cmdline.contains("dev.tended.worker.WorkerMain");
  }

  private void sourcesCheck(TendedConfig config, Optional<WorkerStatus> status, Instant now, List<Check> checks) {
    if (status.isEmpty()) {
      checks.add(new Check("sources_polled", Level.UNHEALTHY, "no status file"));
      return;
    }
    List<String> parts = new ArrayList<>();
    Level level = Level.OK;
    Map<String, Optional<String>> pollers = pollersOrNone(config);
    for (SourceConfig src : config.sources()) {
      SourceStatus ss = status.get().sources().get(src.name());
      Optional<String> elsewhere = pollers.getOrDefault(src.name(), Optional.empty())
          .filter(n -> !n.equals(config.ledger().node()));
      if (elsewhere.isPresent()) {
        parts.add(src.name() + " polled by node " + elsewhere.get());
        continue;
      }
      // Three polls and a beat late, but never tighter than staleAfter: a poller that late also stops the heartbeat.
      Duration bound = max(src.pollInterval().multipliedBy(3).plus(config.heartbeat().interval()),
          config.supervisor().staleAfter());
      if (ss == null) {
        level = Level.DEGRADED;
        parts.add(src.name() + " not in the status file");
      } else if (ss.lastPollAt() == null) {
        Instant started = status.get().startedAt();
        boolean young = started != null && Duration.between(started, now).compareTo(bound) <= 0;
        if (!young) {
          level = Level.DEGRADED;
        }
        parts.add(src.name() + " never polled" + (young ? " yet" : ""));
      } else {
        Duration age = Duration.between(ss.lastPollAt(), now);
        boolean late = age.compareTo(bound) > 0;
        boolean failed = !ss.lastPollOk() && ss.fault() == null;
        if (late || failed) {
          level = Level.DEGRADED;
        }
        parts.add(src.name() + " " + secs(age.isNegative() ? Duration.ZERO : age) + " ago (bound " + secs(bound) + ")"
            + (late ? " LATE" : "") + (failed ? " last poll failed: " + oneLine(ss.lastError()) : ""));
      }
    }
    checks.add(new Check("sources_polled", level, String.join(", ", parts)));
  }

  /**
   * Parses every json-queue file itself, with the worker's own reader, so that a broken file is named
   * (file, line, column) even while no worker runs to report it; the worker's quarantine copy and
   * the time it first saw the fault are added from the status file when it has them.
   */
  private void queueFilesCheck(TendedConfig config, Optional<WorkerStatus> status, List<Check> checks) {
    List<String> faults = new ArrayList<>();
    List<String> fine = new ArrayList<>();
    for (SourceConfig src : config.sources()) {
      if (src.type() != SourceType.JSON_QUEUE) {
        continue;
      }
      QueueFileCheck.Result r = QueueFileCheck.check(src.path(), src.idField(), src.maxItemBytes());
      SourceStatus reported = status.map(s -> s.sources().get(src.name())).orElse(null);
      if (r.fault().isEmpty()) {
        String skipped = r.badLineCount() == 0 ? "" : ", " + r.badLineCount() + " bad lines skipped (first: line "
            + r.badLines().get(0).line() + ")";
        if (reported != null && reported.fault() != null && r.badLineCount() > 0) {
          // a bad line the worker reported lately: shown for a bounded time (see JsonQueueSource)
          faults.add(src.name() + ": " + src.path() + ": line " + reported.fault().line() + ": "
              + reported.fault().reason() + " (since " + reported.fault().since()
              + (reported.fault().quarantinedAs() != null ? ", copy in " + reported.fault().quarantinedAs() : "")
              + "; " + r.items() + " items" + skipped + ")");
          continue;
        }
        fine.add(src.path().getFileName() + (r.present() ? " " + r.items() + " items" + skipped : " absent"));
        continue;
      }
      QueueFileCheck.Fault f = r.fault().get();
      StringBuilder d = new StringBuilder(src.name()).append(": ").append(src.path());
      if (f.line() > 0) {
        d.append(": line ").append(f.line()).append(", column ").append(f.column());
      }
      d.append(": ").append(f.reason()).append(" (").append(r.items()).append(" complete items before it");
      SourceStatus ss = reported;
      if (ss != null && ss.fault() != null) {
        d.append("; worker reports it since ").append(ss.fault().since());
        if (ss.fault().quarantinedAs() != null) {
          d.append(", copy in ").append(ss.fault().quarantinedAs());
        }
      }
      faults.add(d.append(")").toString());
    }
    checks.add(faults.isEmpty()
        ? new Check("queue_files", Level.OK, "every queue file parses" + (fine.isEmpty() ? " (no json-queue sources)"
            : " (" + String.join(", ", fine) + ")"))
        : new Check("queue_files", Level.DEGRADED, String.join("; ", faults)));
  }

  /** Who polls each source on a shared ledger (the cluster check says when that cannot be read); none on SQLite. */
  private static Map<String, Optional<String>> pollersOrNone(TendedConfig config) {
    try {
      return LedgerStores.pollers(config);
    } catch (RuntimeException e) {
      return Map.of();
    }
  }

  private Optional<Map<String, Map<ItemState, Long>>> ledgerCheck(TendedConfig config, List<Check> checks) {
    LedgerStore store = LedgerStores.of(config);
    String file = store.describe();
    if (!store.present()) {
      checks.add(new Check("ledger", Level.DEGRADED, file + " does not exist yet"));
      return Optional.empty();
    }
    long opening = System.nanoTime();
    try (LedgerView ledger = store.openView()) {
      if (config.ledger().shared()) {
        checks.add(new Check("database", Level.OK, "reachable in " + (System.nanoTime() - opening) / 1_000_000
            + " ms (" + file + ", as node " + config.ledger().node() + ")"));
      }
      List<String> problems = ledger.integrityCheck();
      Map<String, Map<ItemState, Long>> counts = ledger.countsBySource();
      long items = counts.values().stream().flatMap(m -> m.values().stream()).mapToLong(Long::longValue).sum();
      if (problems.isEmpty() && config.ledger().shared()) {
        checks.add(new Check("ledger", Level.OK, "schema ok (" + items + " items)"));
      } else if (problems.isEmpty()) {
        checks.add(new Check("ledger", Level.OK, "quick_check ok (" + config.ledgerFile().getFileName() + ", " + items
            + " items, " + mib(Files.size(config.ledgerFile())) + ")"));
      } else {
        checks.add(new Check("ledger", Level.UNHEALTHY, "quick_check found " + problems.size() + " problems: "
            + oneLine(String.join("; ", problems.subList(0, Math.min(3, problems.size()))))));
      }
      return Optional.of(counts);
    } catch (IOException | RuntimeException e) {
      checks.add(new Check(config.ledger().shared() ? "database" : "ledger", Level.UNHEALTHY, file + " cannot be read: "
          + oneLine(rootMessage(e))));
      return Optional.empty();
    }
  }

  /** The ledger's running items (none while there is no ledger yet). */
  private static List<RunningItem> runningItems(TendedConfig config) {
    LedgerStore store = LedgerStores.of(config);
    if (!store.present()) {
      return List.of();
    }
    try (LedgerView ledger = store.openView()) {
      return ledger.running();
    }
  }

  private void deadItemsCheck(TendedConfig config, Optional<WorkerStatus> status,
      Optional<Map<String, Map<ItemState, Long>>> counts, List<Check> checks) {
    List<String> parts = new ArrayList<>();
    long total = 0;
    String from;
    if (counts.isPresent()) {
      from = "ledger";
      for (var e : counts.get().entrySet()) {
        long dead = e.getValue().getOrDefault(ItemState.DEAD, 0L);
        if (dead > 0) {
          parts.add(e.getKey() + " " + dead);
          total += dead;
        }
      }
    } else if (status.isPresent()) {
      from = "status file";
      for (var e : status.get().sources().entrySet()) {
        if (e.getValue().dead() > 0) {
          parts.add(e.getKey() + " " + e.getValue().dead());
          total += e.getValue().dead();
        }
      }
    } else {
      checks.add(new Check("dead_items", Level.UNKNOWN, "neither ledger nor status file to count from"));
      return;
    }
    checks.add(total == 0
        ? new Check("dead_items", Level.OK, "0 dead (" + from + ")")
        : new Check("dead_items", Level.DEGRADED, total + " dead: " + String.join(", ", parts)
            + " (" + from + "; see `tended status`, requeue with `tended retry SOURCE ID`)"));
  }

  private void breakersCheck(Optional<WorkerStatus> status, List<Check> checks) {
    if (status.isEmpty()) {
      checks.add(new Check("circuit_breakers", Level.UNKNOWN, "no status file"));
      return;
    }
    List<String> open = new ArrayList<>();
    for (var e : status.get().sources().entrySet()) {
      var b = e.getValue().breaker();
      if (b != null && !"closed".equals(b.state())) {
        open.add(e.getKey() + " " + b.state() + " after " + b.consecutiveFailures() + " failures in a row"
            + (b.openUntil() != null ? ", until " + b.openUntil() : ""));
      }
    }
    checks.add(open.isEmpty()
        ? new Check("circuit_breakers", Level.OK, "all closed")
        : new Check("circuit_breakers", Level.DEGRADED, String.join("; ", open)));
  }

  private void diskCheck(TendedConfig config, List<Check> checks) {
    try {
      FileStore store = Files.getFileStore(config.dataDir());
      long total = store.getTotalSpace();
      long free = store.getUsableSpace();
      String detail = diskDetail(free, total) + " in " + config.dataDir();
      boolean low = diskLow(free, total);
      checks.add(new Check("disk_space", low ? Level.DEGRADED : Level.OK,
          detail + (low ? " (below " + DISK_LOW_RULE + ")" : "")));
    } catch (IOException | RuntimeException e) {
      checks.add(new Check("disk_space", Level.UNKNOWN, "cannot be measured: " + oneLine(e.getMessage())));
    }
  }

  /** The one disk rule (the {@code disk_space} check, the {@code disk_low} alert): below 5% or 256 MiB free. */
  public static boolean diskLow(long free, long total) {
    double share = total == 0 ? 0 : (double) free / total;
    return free < MIN_FREE_BYTES || share < MIN_FREE_SHARE;
  }

  /** {@code 1.2 GiB free of 20.0 GiB (6%)}. */
  public static String diskDetail(long free, long total) {
    double share = total == 0 ? 0 : (double) free / total;
    return gib(free) + " free of " + gib(total) + " (" + Math.round(share * 100) + "%)";
  }

  private void restartsCheck(TendedConfig config, Instant now, List<Check> checks) {
    Path file = StateFile.in(config.dataDir());
    Optional<SupervisorState> state;
    try {
      state = StateFile.read(file);
    } catch (IOException | RuntimeException e) {
      checks.add(new Check("restarts", Level.UNKNOWN, file + " does not parse: " + oneLine(e.getMessage())));
      return;
    }
    if (state.isEmpty()) {
      checks.add(new Check("restarts", Level.OK, "0 in the last hour (no supervisor has run here)"));
      checks.add(new Check("supervisor", Level.DEGRADED, "not running: nothing restarts a hung worker"));
      return;
    }
    SupervisorState s = state.get();
    long lastHour = s.restartsWithin(Duration.ofHours(1), now);
    Level level = s.crashLooping() ? Level.UNHEALTHY : lastHour > 0 ? Level.DEGRADED : Level.OK;
    StringBuilder d = new StringBuilder().append(lastHour).append(" in the last hour");
    if (!s.restarts().isEmpty()) {
      RestartEvent last = s.restarts().get(s.restarts().size() - 1);
      d.append(" (last: ").append(last.reason()).append(" of pid ").append(last.pid()).append(" at ").append(last.at());
      if (last.exitCode() != null) {
        d.append(", exit code ").append(last.exitCode());
      }
      if (last.staleForMs() != null) {
        d.append(", stale for ").append(last.staleForMs()).append(" ms");
      }
      if (last.stallRecord() != null) {
        d.append(", record diagnostics/").append(last.stallRecord());
      }
      d.append(")");
    }
    if (s.crashLooping()) {
      d.insert(0, "crash-looping: " + s.failuresInARow() + " failures in a row"
          + (s.nextRestartAt() != null ? ", next start at " + s.nextRestartAt() : "") + "; ");
    }
    checks.add(new Check("restarts", level, d.toString()));

    boolean alive = ProcessHandle.of(s.supervisorPid()).map(ProcessHandle::isAlive).orElse(false)
        && ProcFs.cmdline(s.supervisorPid()).map(c -> c.contains("supervise")).orElse(false);
    if (alive && !"stopped".equals(s.state())) {
      checks.add(new Check("supervisor", Level.OK, "pid " + s.supervisorPid() + " " + s.state() + " (" + s.mode()
          + " mode" + (s.workerPid() != null ? ", worker pid " + s.workerPid() : "") + ")"));
    } else {
      checks.add(new Check("supervisor", Level.DEGRADED, "not running (last pid " + s.supervisorPid() + ", "
          + s.state() + " at " + s.updatedAt() + "): nothing restarts a hung worker"));
    }
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  static String secs(Duration d) {
    long ms = d.toMillis();
    return ms < 10_000 ? String.format("%.1fs", ms / 1000.0) : (ms / 1000) + "s";
  }

  private static String gib(long bytes) {
    return String.format("%.1f GiB", bytes / (1024.0 * 1024 * 1024));
  }

  private static String mib(long bytes) {
    return String.format("%.1f MiB", bytes / (1024.0 * 1024));
  }

  private static String oneLine(String s) {
    return s == null ? "unknown" : s.replaceAll("\\s+", " ").strip();
  }

  private static String abbreviate(String s) {
    return s.length() > 160 ? s.substring(0, 157) + "..." : s;
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null) {
      c = c.getCause();
    }
    return c == t ? String.valueOf(t.getMessage()) : t.getMessage() + ": " + c.getMessage();
  }
}
