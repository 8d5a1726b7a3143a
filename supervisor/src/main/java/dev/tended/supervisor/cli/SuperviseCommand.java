package dev.tended.supervisor.cli;

import dev.tended.io.DataFolderLock;
import dev.tended.io.IoErrors;
import dev.tended.io.PlantedLinkException;
import dev.tended.logging.JournalStream;
import dev.tended.logging.LogSetup;
import dev.tended.config.ConfigException;
import dev.tended.config.TendedConfig;
import dev.tended.notify.Notifier;
import dev.tended.logging.Kv;
import dev.tended.posix.DaemonSignals;
import dev.tended.supervisor.diagnose.StallRecorder;
import dev.tended.supervisor.notify.SupervisorNotifications;
import dev.tended.supervisor.restart.RestartLog;
import dev.tended.supervisor.restart.StateFile;
import dev.tended.supervisor.restart.Workers;
import dev.tended.supervisor.watch.MonotonicClock;
import dev.tended.supervisor.watch.Supervision;
import dev.tended.supervisor.watch.WorkerRefusal;
import dev.tended.notify.StartFailure;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code tended supervise --config FILE}: runs the worker and restarts it when it dies or its
 * heartbeat stalls, until SIGTERM or SIGINT, which stop the worker within {@code stopGrace} and exit
 * 0. One supervisor per {@code dataDir} ({@code supervisor.lock}). SIGHUP reloads: the configuration
 * is read and checked again ({@link ConfigReload}); refused, everything goes on unchanged; accepted,
 * the worker is stopped gracefully and the watching starts again with the new configuration. SIGUSR1
 * reopens the log file; the rest is {@link DaemonSignals}'s.
 */
@Command(name = "supervise", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 1, exitCodeOnExecutionException = 1, versionProvider = VersionProvider.class,
    description = "Run the worker and restart it when it exits or its heartbeat stalls.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped by SIGTERM/SIGINT, worker stopped", "78:bad configuration", "1:anything else"})
final class SuperviseCommand implements java.util.concurrent.Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(SuperviseCommand.class);

  private static final int EAGAIN = 11;
  private static final int EIO = 5;
  private static final int EINVAL = 22;

  @Mixin ConfigOption config;
  @Spec CommandSpec spec;
  private Notifier notifier;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    TendedConfig cfg = config.loadOrReport(err);
    if (cfg == null) {
      SupervisorNotifications.startFailed(systemd(), EINVAL, "bad configuration in " + config.file + " (see the log)");
      return ExitCodes.CONFIG;
    }
    try {
      Files.createDirectories(cfg.dataDir());
      LogSetup.prepareFolder(cfg.logging(), "supervisor", cfg.dataDir());
    } catch (PlantedLinkException e) {
      return startFailed(err, StartFailure.errnoFor(e), "cannot log to " + cfg.logging().dir() + ": " + IoErrors.describe(e));
    } catch (IOException e) {
      return startFailed(err, StartFailure.errnoFor(e),
          "dataDir " + cfg.dataDir() + ": cannot be created: " + e.getMessage());
    }
    LogSetup.configure(cfg.logging(), "supervisor");
    Path lockFile = cfg.dataDir().resolve(DataFolderLock.SUPERVISOR);
    Optional<DataFolderLock> lock;
    try {
      lock = DataFolderLock.tryAcquire(lockFile);
    } catch (IOException e) {
      log.error("supervisor_lock_failed lock={} error=\"{}\"", lockFile, e.getMessage());
      SupervisorNotifications.startFailed(systemd(), EIO, "cannot lock " + lockFile + ": " + e.getMessage());
      return ExitCodes.FAILURE;
    }
    if (lock.isEmpty()) {
      log.error("supervisor_already_running lock={}", lockFile);
      return startFailed(err, EAGAIN, "another supervisor is already watching " + cfg.dataDir() + " (" + lockFile
          + " is locked" + DataFolderLock.holder(lockFile).map(pid -> " by pid " + pid).orElse("") + ")");
    }
    try (DataFolderLock held = lock.get()) {
      return supervise(cfg, err);
    }
  }

  /** sd_notify, made on first use: after logging is set up, where it gets that far. */
  private Notifier systemd() {
    if (notifier == null) {
      notifier = Notifier.fromEnvironment();
    }
    return notifier;
  }

  /** The start failed: says why on stderr ({@code <3>} under the journal) and to systemd; exit 1. */
  private int startFailed(PrintWriter err, int errno, String reason) {
    err.println(JournalStream.errPrefix() + reason);
    err.flush();
    SupervisorNotifications.startFailed(systemd(), errno, reason);
    return ExitCodes.FAILURE;
  }

  private int supervise(TendedConfig cfg, PrintWriter err) {
    CountDownLatch stopRequested = new CountDownLatch(1);
    try {
      // Validate workerCommand (jar lookup) before anything starts.
      Workers.forConfig(cfg, System.getenv(), () -> { });
    } catch (ConfigException e) {
      ConfigOption.report(e, err);
      log.error("supervisor_config_invalid problems=\"{}\"", String.join("; ", e.problems()));
      SupervisorNotifications.startFailed(systemd(), EINVAL, "bad configuration: " + e.problems().get(0));
      return ExitCodes.CONFIG;
    }
    if (cfg.supervisor().restartWith() == dev.tended.config.RestartMode.CHILD) {
      dev.tended.supervisor.restart.Leftovers.stopLeftoverWorker(cfg.dataDir(), cfg.heartbeat().file(),
          cfg.supervisor().stopGrace());
    }
    SupervisorNotifications systemd = new SupervisorNotifications(systemd(), cfg);
    AtomicReference<Supervision> current = new AtomicReference<>(supervision(cfg, systemd, stopRequested));
    AtomicBoolean reloadRequested = new AtomicBoolean();
    DaemonSignals.install(new DaemonSignals.Actions(signal -> {
      log.info("supervisor_signal signal={}", signal);
      stopRequested.countDown();
    }, signal -> {
      log.info("reload_requested signal={} config={}", signal, Kv.q(cfg.configFile()));
      reloadRequested.set(true);
    }, signal -> LogSetup.reopenFile()));
    // Backstop for any other way out of the JVM (System.exit elsewhere): never leave an orphan.
    Thread hook = new Thread(() -> current.get().stop(), "shutdown-stop-worker");
    Runtime.getRuntime().addShutdownHook(hook);

    log.info("supervisor_started pid={} version={} config={} data_dir={} mode={}", ProcessHandle.current().pid(),
        VersionProvider.version(), cfg.configFile(), cfg.dataDir(), cfg.supervisor().restartWith().configName());
    current.get().start();
    systemd.watching();
    TendedConfig running = cfg;
    try {
      while (!stopRequested.await(1, TimeUnit.SECONDS)) {
        if (current.get().isTerminated() && current.get().refusal().isEmpty()) {
          log.error("supervisor_watch_died action=exit_1");
          return ExitCodes.FAILURE;
        }
        if (reloadRequested.getAndSet(false)) {
          running = reload(running, current, systemd, stopRequested);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Supervision supervision = current.get();
    if (supervision.refusal().isPresent()) {
      return refused(supervision.refusal().get(), err, hook);
    }
    long start = System.nanoTime();
    systemd.stopping();
    supervision.stop();
    log.info("supervisor_stopped took_ms={}", (System.nanoTime() - start) / 1_000_000);
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down
    }
    return ExitCodes.OK;
  }

  /** The watching of {@code cfg}'s worker, not yet started. */
  private static Supervision supervision(TendedConfig cfg, SupervisorNotifications systemd, CountDownLatch stopRequested) {
    Supervision supervision = new Supervision(cfg, wake -> {
      try {
        return Workers.forConfig(cfg, System.getenv(), wake);
      } catch (ConfigException e) {
        throw new IllegalStateException(e);
      }
    }, new StallRecorder(cfg.diagnosticsDir(), cfg.supervisor().stallRecordsKept(), StallRecorder.DUMP_TIMEOUT),
        RestartLog.open(StateFile.in(cfg.dataDir()), cfg.supervisor().restartWith().configName(), Clock.systemUTC()),
        MonotonicClock.SYSTEM, Clock.systemUTC());
    supervision.afterEachTick(systemd::afterTick);
    supervision.onRefusal(stopRequested::countDown);
    return supervision;
  }

  /**
   * SIGHUP: the configuration again; refused, the running one stays (and is returned); accepted, the
   * worker is stopped within its grace and a new watching of the new configuration started.
   */
  private static TendedConfig reload(TendedConfig running, AtomicReference<Supervision> current,
      SupervisorNotifications systemd, CountDownLatch stopRequested) {
    ConfigReload.Outcome outcome = ConfigReload.check(running, System.getenv());
    if (!outcome.accepted()) {
      log.error("reload_refused config={} problems={} action=unchanged", Kv.q(running.configFile()),
          Kv.q(String.join("; ", outcome.problems())));
      return running;
    }
    long start = System.nanoTime();
    log.info("reload_restarting_worker grace_ms={}", running.supervisor().stopGrace().toMillis());
    current.get().stop();
    Supervision next = supervision(outcome.next(), systemd, stopRequested);
    current.set(next);
    next.start();
    log.info("reload_done config={} took_ms={}", Kv.q(running.configFile()), (System.nanoTime() - start) / 1_000_000);
    return outcome.next();
  }

  /** The worker refused its configuration and is stopped: say so and exit with its code (78). */
  private int refused(WorkerRefusal refusal, PrintWriter err, Thread hook) {
    err.println(JournalStream.errPrefix() + "tended supervise: " + refusal.reason());
    err.flush();
    SupervisorNotifications.startFailed(systemd(), EINVAL, refusal.reason());
    log.info("supervisor_stopped reason=worker_config_refused exit_code={}", refusal.exitCode());
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down
    }
    return refusal.exitCode();
  }
}
