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
import dev.tended.supervisor.alerts.Alerting;
import dev.tended.supervisor.diagnose.StallRecorder;
import dev.tended.supervisor.metrics.MetricsTextfile;
import dev.tended.supervisor.notify.SupervisorNotifications;
import dev.tended.supervisor.reload.ReloadTracker;
import dev.tended.supervisor.restart.HandOver;
import dev.tended.ledger.LedgerStores;
import dev.tended.supervisor.restart.RecordedHandlers;
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
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
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
 * is read and checked again ({@link ConfigReload}); refused, everything goes on unchanged and the
 * refusal is recorded ({@link ReloadTracker}); accepted, {@code RELOADING=1}, the worker is handed over
 * (SIGHUP, its exit 75; its handlers keep running), the watching starts again with the new
 * configuration and its new worker at once, and its first heartbeat ends the reload
 * ({@code READY=1}, {@code reload_done}). SIGUSR1 reopens the log file; the rest is
 * {@link DaemonSignals}'s.
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
          cfg.supervisor().stopGrace(), RecordedHandlers.ofLedger(LedgerStores.of(cfg)));
    }
    SupervisorNotifications systemd = new SupervisorNotifications(systemd(), cfg);
    ReloadTracker reloads = ReloadTracker.in(cfg.dataDir(), cfg.heartbeat().file(), systemd);
    AtomicReference<Supervision> current = new AtomicReference<>(supervision(cfg, systemd, reloads, stopRequested));
    // When the last SIGHUP came (System.nanoTime), 0 when none is waiting.
    AtomicLong reloadRequested = new AtomicLong();
    java.util.concurrent.Semaphore mainWake = new java.util.concurrent.Semaphore(0);
    DaemonSignals.install(new DaemonSignals.Actions(signal -> {
      log.info("supervisor_signal signal={}", signal);
      stopRequested.countDown();
      mainWake.release();
    }, signal -> {
      log.info("reload_requested signal={} config={}", signal, Kv.q(cfg.configFile()));
      reloadRequested.compareAndSet(0, System.nanoTime());
      mainWake.release();
    }, signal -> LogSetup.reopenFile()));
    // Backstop for any other way out of the JVM (System.exit elsewhere): never leave an orphan.
    Thread hook = new Thread(() -> current.get().stop(), "shutdown-stop-worker");
    Runtime.getRuntime().addShutdownHook(hook);

    log.info("supervisor_started pid={} version={} config={} data_dir={} mode={}", ProcessHandle.current().pid(),
        VersionProvider.version(), cfg.configFile(), cfg.dataDir(), cfg.supervisor().restartWith().configName());
    reloads.started(cfg.configFile().toString());
    current.get().start();
    MetricsTextfile metrics = new MetricsTextfile(cfg, Clock.systemUTC());
    metrics.start();
    // Alerts run beside the watching, on threads of their own; a reload gives them the new configuration.
    AtomicReference<Alerting> alerts = new AtomicReference<>(Alerting.of(cfg));
    alerts.get().start();
    systemd.watching();
    TendedConfig running = cfg;
    try {
      while (stopRequested.getCount() > 0) {
        // Woken at once by a signal (a reload starts without waiting for the next second), else each second.
        mainWake.tryAcquire(1, TimeUnit.SECONDS);
        mainWake.drainPermits();
        if (stopRequested.getCount() == 0) {
          break;
        }
        if (current.get().isTerminated() && current.get().refusal().isEmpty()) {
          log.error("supervisor_watch_died action=exit_1");
          return ExitCodes.FAILURE;
        }
        long signalled = reloadRequested.getAndSet(0);
        if (signalled != 0) {
          TendedConfig before = running;
          running = reload(running, signalled, current, systemd, reloads, stopRequested);
          if (running != before) {
            metrics.reconfigure(running);
            alerts.get().stop();
            alerts.set(Alerting.of(running));
            alerts.get().start();
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    alerts.get().stop();
    Supervision supervision = current.get();
    if (supervision.refusal().isPresent()) {
      metrics.stop();
      return refused(supervision.refusal().get(), err, hook);
    }
    long start = System.nanoTime();
    systemd.stopping();
    supervision.stop();
    metrics.stop();
    log.info("supervisor_stopped took_ms={}", (System.nanoTime() - start) / 1_000_000);
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down
    }
    return ExitCodes.OK;
  }

  /** The watching of {@code cfg}'s worker, not yet started. */
  private static Supervision supervision(TendedConfig cfg, SupervisorNotifications systemd, ReloadTracker reloads,
      CountDownLatch stopRequested) {
    Supervision supervision = new Supervision(cfg, wake -> {
      try {
        return Workers.forConfig(cfg, System.getenv(), wake);
      } catch (ConfigException e) {
        throw new IllegalStateException(e);
      }
    }, new StallRecorder(cfg.diagnosticsDir(), cfg.supervisor().stallRecordsKept(), StallRecorder.DUMP_TIMEOUT),
        RestartLog.open(StateFile.in(cfg.dataDir()), cfg.supervisor().restartWith().configName(), Clock.systemUTC()),
        MonotonicClock.SYSTEM, Clock.systemUTC());
    supervision.afterEachTick(() -> {
      systemd.afterTick();
      reloads.afterTick();
    });
    supervision.onRefusal(stopRequested::countDown);
    return supervision;
  }

  /**
   * SIGHUP: the configuration again; refused, the running one stays (and is returned) and the refusal
   * is recorded; accepted, the worker is handed over and a new watching of the new configuration
   * started at once (its first worker starts without a backoff; the reload ends at its first beat).
   */
  private static TendedConfig reload(TendedConfig running, long signalNanos, AtomicReference<Supervision> current,
      SupervisorNotifications systemd, ReloadTracker reloads, CountDownLatch stopRequested) {
    java.time.Instant requestedAt = java.time.Instant.now();
    ConfigReload.Outcome outcome = ConfigReload.check(running, System.getenv());
    if (!outcome.accepted()) {
      log.error("reload_refused config={} problems={} action=unchanged", Kv.q(running.configFile()),
          Kv.q(String.join("; ", outcome.problems())));
      reloads.refused(running.configFile().toString(), requestedAt, outcome.problems());
      return running;
    }
    TendedConfig next = outcome.next();
    Duration handOverLimit = running.supervisor().stopGrace();
    reloads.begin(running.configFile().toString(), signalNanos, requestedAt,
        handOverLimit.plus(running.supervisor().stopGrace()).plus(next.supervisor().startupGrace()));
    log.info("reload_handing_over limit_ms={}", handOverLimit.toMillis());
    HandOver handedOver = current.get().handOver(handOverLimit);
    reloads.handedOver(handedOver);
    Supervision fresh = supervision(next, systemd, reloads, stopRequested);
    current.set(fresh);
    fresh.start();
    log.info("reload_worker_starting config={} hand_over={} hand_over_ms={}", Kv.q(running.configFile()),
        handedOver.outcome(), handedOver.tookMs());
    return next;
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
