package dev.tended.worker;

import dev.tended.config.SourceConfig;
import dev.tended.config.TendedConfig;
import dev.tended.io.DataFolderLock;
import dev.tended.ledger.ItemLedger;
import dev.tended.ledger.LedgerCheck;
import dev.tended.ledger.LedgerView;
import dev.tended.ledger.SqliteLedgerStore;
import dev.tended.logging.Kv;
import dev.tended.worker.dispatch.Dispatcher;
import dev.tended.worker.handler.CommandRunner;
import dev.tended.worker.heartbeat.BeatListener;
import dev.tended.worker.heartbeat.Heartbeat;
import dev.tended.worker.heartbeat.ProgressBoard;
import dev.tended.worker.notify.ServiceEvents;
import dev.tended.worker.results.ResultWriter;
import dev.tended.worker.source.PollScheduler;
import dev.tended.worker.source.QueueSources;
import dev.tended.worker.source.QueueWatcher;
import dev.tended.worker.source.SourcePoller;
import dev.tended.queue.QueueSource;
import dev.tended.queue.QueueSourceWrapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's lifecycle: opens the ledger (recovering items a crash left running), then starts the
 * dispatcher, the pollers, the queue watcher (which only makes polls come early) and the heartbeat;
 * stops them in reverse order, handing running items back,
 * and leaves a last status with {@code state: "stopped"}.
 */
public final class Worker {
  private static final Logger log = LoggerFactory.getLogger(Worker.class);

  private final TendedConfig config;
  private final ServiceEvents events;
  private final Clock clock = Clock.systemUTC();
  private final AtomicBoolean stopped = new AtomicBoolean();
  private DataFolderLock lock;
  private ItemLedger ledger;
  private LedgerView ledgerView;
  private Dispatcher dispatcher;
  private PollScheduler polls;
  private QueueWatcher watcher;
  private Heartbeat heartbeat;

  public Worker(TendedConfig config, BeatListener beatListener) {
    this(config, ServiceEvents.of(beatListener));
  }

  /** A worker that tells {@code events} (e.g. systemd) about its start, beats and stop. */
  public Worker(TendedConfig config, ServiceEvents events) {
    this.config = config;
    this.events = events;
  }

  /** Starts everything; throws when the worker cannot run at all (e.g. the ledger cannot be opened). */
  public void start() throws Exception {
    Files.createDirectories(config.dataDir());
    Path lockFile = config.dataDir().resolve("worker.lock");
    lock = DataFolderLock.tryAcquire(lockFile).orElseThrow(() -> new IllegalStateException("another worker"
        + DataFolderLock.holder(lockFile).map(pid -> " (pid " + pid + ")").orElse("") + " runs on " + config.dataDir()
        + ": " + lockFile + " is locked; two workers on one ledger would run items twice"));
    events.starting(config.supervisor().startupGrace());
    ledger = LedgerCheck.openTrusted(config.ledgerFile(), config.resultsDir(), clock);
    ledgerView = SqliteLedgerStore.at(config.ledgerFile()).openView(); // the heartbeat's reads: never behind a lock
    events.startupStep("recovering interrupted items");
    int recovered = ledger.recoverInterrupted();
    if (recovered > 0) {
      log.warn("items_recovered count={} note=\"running at the last crash; back to pending, attempt counted\"", recovered);
    }
    ProgressBoard progress = new ProgressBoard(System::nanoTime);
    dispatcher = new Dispatcher(config, ledger, new CommandRunner(), new ResultWriter(config.resultsDir()),
        progress, clock, () -> ThreadLocalRandom.current().nextDouble());
    List<SourcePoller> pollers = new ArrayList<>();
    for (SourceConfig s : config.sources()) {
      QueueSource source = QueueSourceWrapper.wrapAll(QueueSources.create(s, config.quarantineDir(), clock),
          config.dataDir());
      SourcePoller poller = new SourcePoller(s, source, ledger, progress, dispatcher::nudge, clock);
      progress.register(poller.part(), s.pollInterval());
      pollers.add(poller);
    }
    polls = new PollScheduler(pollers);
    heartbeat = new Heartbeat(config, ledgerView, progress, polls::reports, dispatcher::breakers,
        dispatcher::recordErrors, events, clock,
        WorkerMain.version());
    dispatcher.start();
    polls.start();
    watcher = QueueWatcher.forSources(config.sources(), polls::pollSoon);
    watcher.start();
    heartbeat.start();
    events.running(progress, heartbeat.wedgeLimit(), polls::reports);
    log.info("worker_started pid={} version={} data_dir={} sources={}", ProcessHandle.current().pid(),
        WorkerMain.version(), Kv.q(config.dataDir()), config.sources().stream().map(SourceConfig::name).toList());
  }

  /** Stops polling, finishes or hands back running items within {@code stopGrace}, writes "stopped". Idempotent. */
  public void stop() {
    if (stopped.getAndSet(true)) {
      return;
    }
    long t0 = System.nanoTime();
    log.info("worker_stopping grace_ms={}", config.supervisor().stopGrace().toMillis());
    events.stopping();
    try {
      if (watcher != null) {
        watcher.stop();
      }
      if (polls != null) {
        polls.stop();
      }
      if (heartbeat != null) {
        heartbeat.writeFinal("stopping");
      }
      if (dispatcher != null) {
        dispatcher.stop(config.supervisor().stopGrace().multipliedBy(8).dividedBy(10));
      }
      if (heartbeat != null) {
        heartbeat.writeFinal("stopped");
      }
    } finally {
      if (ledgerView != null) {
        ledgerView.close();
      }
      if (ledger != null) {
        ledger.close();
      }
      if (lock != null) {
        lock.close();
      }
      events.stopped();
      log.info("worker_stopped took_ms={}", (System.nanoTime() - t0) / 1_000_000);
    }
  }
}
