package dev.tended.worker;

import dev.tended.config.ConfigException;
import dev.tended.config.ConfigLoader;
import dev.tended.config.TendedConfig;
import dev.tended.io.IoErrors;
import dev.tended.io.PlantedLinkException;
import dev.tended.ledger.DamagedLedgerException;
import dev.tended.logging.JournalStream;
import dev.tended.logging.LogSetup;
import dev.tended.notify.Notifier;
import dev.tended.posix.DaemonSignals;
import dev.tended.status.LedgerDamage;
import dev.tended.worker.notify.SystemdNotifications;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Entry point of {@code tended-worker.jar}: reads the configuration (exit 78 when it is bad), sets up
 * logging, runs the {@link Worker} until SIGTERM or SIGINT, then stops it cleanly and exits 0. Any
 * other failure to run exits 1. SIGHUP is a hand-over ({@link HandOver}): the configuration file is
 * read again; when it is valid the worker lets go of its running handlers without stopping them and
 * exits {@value #EX_HANDED_OVER}, for the next worker (started by its supervisor or its unit) to adopt
 * them; when it is not, {@code reload_refused} names the problems and nothing changes. SIGUSR1
 * reopens the log file ({@link DaemonSignals}).
 */
@Command(name = "tended-worker", mixinStandardHelpOptions = true, versionProvider = WorkerMain.Version.class,
    description = "Consumes file queues, runs a handler per item, proves progress with a heartbeat file.")
public final class WorkerMain implements Callable<Integer> {
  /** sysexits.h EX_CONFIG: the configuration cannot be used. */
  public static final int EX_CONFIG = 78;
  /**
   * The worker handed its running handlers over (SIGHUP with a valid configuration): start the next
   * worker at once, it adopts them. (sysexits.h EX_TEMPFAIL: not a failure, nothing to retry later.)
   */
  public static final int EX_HANDED_OVER = 75;

  @Option(names = "--config", required = true, paramLabel = "FILE", description = "the YAML configuration file")
  Path configFile;

  @Option(names = "--check-config", description = "validate the configuration and exit (0 valid, 78 invalid)")
  boolean checkOnly;

  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new WorkerMain());
    // A wrong command line is a configuration error too: restarting will not fix it.
    cli.getCommandSpec().exitCodeOnInvalidInput(EX_CONFIG);
    System.exit(cli.execute(args));
  }

  /** The version in the jar's manifest, or {@code dev} when run from classes. */
  public static String version() {
    String v = WorkerMain.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  @Override
  public Integer call() {
    TendedConfig config;
    try {
      config = ConfigLoader.load(configFile);
    } catch (ConfigException e) {
      String prefix = JournalStream.errPrefix(); // <3>: journalctl -p err shows it
      e.problems().forEach(p -> System.err.println(prefix + "tended-worker: bad configuration: " + p));
      return EX_CONFIG;
    }
    if (checkOnly) {
      System.out.println("configuration ok: " + config.configFile() + " (" + config.sources().size() + " sources)");
      return 0;
    }
    try {
      LogSetup.prepareFolder(config.logging(), "worker", config.dataDir());
    } catch (PlantedLinkException e) {
      System.err.println(JournalStream.errPrefix() + "tended-worker: cannot log to " + config.logging().dir() + ": "
          + IoErrors.describe(e));
      return 1;
    } catch (IOException e) {
      // as before: the file appender reports it and the console still gets every event
    }
    LogSetup.configure(config.logging(), "worker");
    var log = LoggerFactory.getLogger(WorkerMain.class);
    CountDownLatch stopRequested = new CountDownLatch(1);
    HandOver handOver = new HandOver(configFile, stopRequested::countDown);
    DaemonSignals.install(new DaemonSignals.Actions(s -> stopRequested.countDown(), s -> handOver.requested(),
        s -> LogSetup.reopenFile()));
    SystemdNotifications systemd = new SystemdNotifications(Notifier.fromEnvironment(), config);
    Worker worker = new Worker(config, systemd);
    try {
      worker.start();
    } catch (Exception e) {
      if (e instanceof DamagedLedgerException damaged) {
        log.error("ledger_damaged file={} what_to_do={}", dev.tended.logging.Kv.q(damaged.file()),
            dev.tended.logging.Kv.q(damaged.getMessage()));
        markDamaged(config, damaged, log);
      } else {
        log.error("worker_start_failed error={}", dev.tended.logging.Kv.q(e.toString()), e);
      }
      systemd.startFailed(e);
      worker.stop();
      LogSetup.shutdown();
      return 1;
    }
    clearDamageMark(config, log);
    try {
      stopRequested.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (handOver.accepted()) {
      worker.handOver();
      log.info("worker_handed_over exit_code={}", EX_HANDED_OVER);
      LogSetup.shutdown();
      return EX_HANDED_OVER;
    }
    worker.stop();
    LogSetup.shutdown();
    return 0;
  }

  /** Leaves the refusal for the supervisor's {@code ledger_damaged} alert; a failure is logged. */
  private static void markDamaged(TendedConfig config, DamagedLedgerException damaged, org.slf4j.Logger log) {
    try {
      new LedgerDamage(damaged.file().toString(), damaged.getMessage(), java.time.Instant.now(),
          ProcessHandle.current().pid()).writeTo(config.dataDir());
    } catch (IOException | RuntimeException e) {
      log.warn("ledger_damage_mark_failed file={} error={}", dev.tended.logging.Kv.q(LedgerDamage.in(config.dataDir())),
          dev.tended.logging.Kv.q(e.getMessage()));
    }
  }

  /** The ledger opened: an earlier refusal's mark no longer holds. */
  private static void clearDamageMark(TendedConfig config, org.slf4j.Logger log) {
    try {
      if (LedgerDamage.clear(config.dataDir())) {
        log.info("ledger_damage_mark_cleared file={}", dev.tended.logging.Kv.q(LedgerDamage.in(config.dataDir())));
      }
    } catch (IOException | RuntimeException e) {
      log.warn("ledger_damage_mark_failed file={} error={}", dev.tended.logging.Kv.q(LedgerDamage.in(config.dataDir())),
          dev.tended.logging.Kv.q(e.getMessage()));
    }
  }

  /** Reads the version for {@code --version}. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"tended-worker " + version()};
    }
  }
}
