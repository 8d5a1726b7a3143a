package dev.tended.worker;

import dev.tended.config.SourceConfig;
import dev.tended.control.ControlFolder;
import dev.tended.io.IoErrors;
import dev.tended.config.TendedConfig;
import dev.tended.io.DataFolderLock;
import dev.tended.ledger.ItemLedger;
import dev.tended.ledger.LedgerStore;
import dev.tended.ledger.LedgerStores;
import dev.tended.ledger.LedgerView;
import dev.tended.ledger.NodeBeat;
import dev.tended.ledger.SourcePause;
import dev.tended.logging.Kv;
import dev.tended.queue.QueueSource;
import dev.tended.queue.QueueSourceWrapper;
import dev.tended.posix.BootId;
import dev.tended.retention.RetentionRun;
import dev.tended.worker.cluster.LeaseKeeper;
import dev.tended.worker.control.ControlDesk;
import dev.tended.worker.dispatch.Dispatcher;
import dev.tended.worker.handler.CommandRunner;
import dev.tended.worker.heartbeat.Heartbeat;
import dev.tended.worker.heartbeat.ProgressBoard;
import dev.tended.worker.lifecycle.Lifecycle;
import dev.tended.worker.lifecycle.Managed;
import dev.tended.worker.notify.ServiceEvents;
import dev.tended.worker.results.ResultWriter;
import dev.tended.worker.retention.Pruner;
import dev.tended.worker.source.PollScheduler;
import dev.tended.worker.source.SourceOwnership;
import dev.tended.worker.source.SourceOwnerships;
import dev.tended.worker.source.QueueSources;
import dev.tended.worker.source.QueueWatcher;
import dev.tended.worker.source.SourcePoller;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's assembly: takes the data folder's lock, opens the ledger, adopts the handlers an earlier
 * worker left running ({@link Dispatcher#adopt}), applies the operators' pauses and requests
 * ({@link ControlDesk}), then starts the pollers, the dispatcher, the queue watcher (which only makes polls come
 * early) and the heartbeat, each registered with one {@link Lifecycle} as it is made. A stop runs
 * that lifecycle backwards within {@code supervisor.stopGrace} less a margin (the supervisor sends
 * SIGKILL after stopGrace): the heartbeat writes "stopping", the watcher ends, the dispatcher
 * finishes or hands back running items, the running polls are awaited, a last status with
 * {@code state: "stopped"} is written, and only then are the ledger and the lock closed.
 *
 * <p>{@link #start} and {@link #stop} are called by one thread (the main thread), stop after start
 * returned or threw.
 */
public final class Worker {
  private static final Logger log = LoggerFactory.getLogger(Worker.class);
  /** What the dispatcher keeps of its share for joining its thread after the handlers' wait. */
  private static final Duration DISPATCH_JOIN = Duration.ofSeconds(1);

  private final TendedConfig config;
  private final ServiceEvents events;
  private final QueueWatcher.WatchServices watchServices;
  private final Clock clock = Clock.systemUTC();
  private final Lifecycle lifecycle = new Lifecycle();
  private final AtomicBoolean stopped = new AtomicBoolean();
  /** Set by {@link #handOver} before the lifecycle stops: the dispatcher detaches its handlers instead of stopping them. */
  private final AtomicBoolean handingOver = new AtomicBoolean();

  /** A worker that tells {@code events} (e.g. systemd) about its start, beats and stop. */
  public Worker(TendedConfig config, ServiceEvents events) {
    this(config, events, QueueWatcher.WatchServices.DEFAULT);
  }

  Worker(TendedConfig config, ServiceEvents events, QueueWatcher.WatchServices watchServices) {
    this.config = Objects.requireNonNull(config, "config");
    this.events = Objects.requireNonNull(events, "events");
    this.watchServices = Objects.requireNonNull(watchServices, "watchServices");
  }

  /** The time a whole stop may take: {@code stopGrace} less a margin for the JVM's exit. */
  static Duration stopBudget(Duration stopGrace) {
    Duration margin = stopGrace.dividedBy(10);
    if (margin.compareTo(Duration.ofMillis(200)) < 0) {
      margin = Duration.ofMillis(200);
    } else if (margin.compareTo(Duration.ofSeconds(2)) > 0) {
      margin = Duration.ofSeconds(2);
    }
    Duration budget = stopGrace.minus(margin);
    return budget.isNegative() ? Duration.ZERO : budget;
  }

  /** Starts everything; throws when the worker cannot run at all (e.g. the ledger cannot be opened). */
  public void start() throws Exception {
    Files.createDirectories(config.dataDir());
    Path lockFile = config.dataDir().resolve(DataFolderLock.WORKER);
    DataFolderLock lock = DataFolderLock.tryAcquire(lockFile).orElseThrow(() -> new IllegalStateException(
        "another worker" + DataFolderLock.holder(lockFile).map(pid -> " (pid " + pid + ")").orElse("") + " runs on "
        + config.dataDir() + ": " + lockFile + " is locked; two workers on one ledger would run items twice"));
    lifecycle.manage("lock", budget -> lock.close());
    lifecycle.manage("service-events", new Managed() {
      @Override
      public void start() {
        events.starting(config.supervisor().startupGrace());
      }

      @Override
      public void stop(Duration budget) {
        events.stopped();
      }
    });
    LedgerStore store = LedgerStores.of(config);
    ItemLedger ledger = LedgerStores.openWorkerLedger(config, clock);
    lifecycle.manage("ledger", budget -> ledger.close());
    LedgerView ledgerView = store.openView(); // the heartbeat's reads: never behind a lock
    lifecycle.manage("ledger-view", budget -> ledgerView.close());
    ProgressBoard progress = new ProgressBoard(System::nanoTime);
    CommandRunner handlers = new CommandRunner();
    Dispatcher dispatcher = new Dispatcher(config, ledger, handlers, new ResultWriter(config.resultsDir()),
        progress, clock, () -> ThreadLocalRandom.current().nextDouble());
    events.startupStep("adopting the handlers an earlier worker left running");
    // Before the polls and the dispatcher: what was running counts against its source's concurrency first.
    dispatcher.adopt(ledger.running(), handlers::find, BootId.current());
    // Before the first claim: the pauses the ledger keeps, then the requests left while no worker ran.
    Map<String, SourcePause> pausedAtStart = ledger.pauses();
    pausedAtStart.values().forEach(p -> dispatcher.pause(p.source(), p.drain(), p.askedBy()));
    ControlDesk controlDesk = controlDesk(store, ledger, dispatcher);
    List<SourcePoller> pollers = new ArrayList<>();
    for (SourceConfig s : config.sources()) {
      QueueSource source = QueueSourceWrapper.wrapAll(
          QueueSources.create(s, config.quarantineDir(), config.retention().quarantineKept(), clock),
          config.dataDir());
      SourcePoller poller = new SourcePoller(s, source, ledger, progress, dispatcher::nudge, clock);
      progress.register(poller.part(), s.pollInterval());
      pollers.add(poller);
    }
    // Started here, stopped after the polls: on a shared ledger it holds this node's sources.
    SourceOwnership ownership = lifecycle.manage("source-ownership", SourceOwnerships.of(config, store));
    PollScheduler polls = new PollScheduler(pollers, ownership);
    QueueWatcher watcher = QueueWatcher.forSources(config.sources(), polls::pollSoon, watchServices);
    // On a shared ledger: made here for the status file's ledger reach, started with the others below.
    LeaseKeeper leases = config.ledger().shared() ? new LeaseKeeper(ledger, new NodeBeat(clock.instant(),
        ProcessHandle.current().pid(), WorkerMain.version()), config.heartbeat().interval(),
        config.supervisor().staleAfter(),
        config.sources().stream().collect(Collectors.toMap(SourceConfig::name, s -> s.retry().maxInterruptions())),
        dispatcher::leaseLost, dispatcher::nudge, dispatcher, pausedAtStart, clock, System::nanoTime) : null;
    Heartbeat heartbeat = new Heartbeat(config, ledgerView, progress, polls::reports, dispatcher::breakers,
        dispatcher::recordErrors, dispatcher::holds, watcher::fastPath, leases == null ? () -> null : leases::reach,
        events, clock, WorkerMain.version());

    // Stopped after everything that changes the ledger, before the ledger closes.
    lifecycle.manage("final-status", budget -> heartbeat.writeFinal("stopped"));
    lifecycle.manage("polls", polls);
    dispatcher.start();
    lifecycle.manage("dispatch", budget -> {
      if (handingOver.get()) {
        dispatcher.handOver(dispatchGrace(budget));
      } else {
        dispatcher.stop(dispatchGrace(budget));
      }
    });
    if (controlDesk != null) {
      lifecycle.manage("control", controlDesk); // started here; stopped before the dispatcher it acts on
    }
    if (leases != null) {
      lifecycle.manage("leases", leases);
    }
    Pruner pruner = new Pruner(config.retention(), ledger.pruning(), RetentionRun.of(config.retention(),
        config.dataDir(), config.resultsDir(), config.workDir(), clock),
        store.describe());
    pruner.start();
    lifecycle.manage("prune", pruner);
    lifecycle.manage("watcher", watcher);
    lifecycle.manage("heartbeat", heartbeat);
    events.running(progress, heartbeat.wedgeLimit(), polls::reports);
    log.info("worker_started pid={} version={} data_dir={} sources={}", ProcessHandle.current().pid(),
        WorkerMain.version(), Kv.q(config.dataDir()), config.sources().stream().map(SourceConfig::name).toList());
  }

  /**
   * The operators' requests' desk, having applied those waiting; null (logged) when the control folder
   * cannot be made or read: the worker runs on, and the requests wait for a worker that can.
   */
  private ControlDesk controlDesk(LedgerStore store, ItemLedger ledger, Dispatcher dispatcher) throws Exception {
    LedgerView view = store.openView();
    lifecycle.manage("control-view", budget -> view.close());
    ControlFolder folder = new ControlFolder(config.controlDir());
    ControlDesk desk = ControlDesk.of(folder, ledger, view, dispatcher,
        config.sources().stream().map(SourceConfig::name).collect(Collectors.toSet()), config.ledger().shared(), clock);
    try {
      desk.applyWaiting();
      return desk;
    } catch (IOException e) {
      log.error("control_unavailable folder={} error={} note=\"operators' requests wait until a worker can read"
          + " them; fix the folder's owner and mode (the install makes it)\"", Kv.q(folder.dir()), Kv.q(IoErrors.describe(e)));
      return null;
    }
  }

  /**
   * The dispatcher waits for handlers within the grace it is given (half to finish, half for the
   * cancelled ones' kill grace, which is at most a quarter of stopGrace), then joins its thread for up
   * to a second more: a tenth of its share, at most that second, is kept for the join.
   */
  private static Duration dispatchGrace(Duration share) {
    Duration join = share.dividedBy(10).compareTo(DISPATCH_JOIN) < 0 ? share.dividedBy(10) : DISPATCH_JOIN;
    return share.minus(join);
  }

  /**
   * Stops every part in reverse order within {@code stopGrace} less a margin, handing running items
   * back, and writes "stopped". Idempotent.
   */
  public void stop() {
    leave();
  }

  /**
   * Hands the running handlers over to the next worker (a reload): stops polling and claiming,
   * detaches every running handler (each keeps running, its item stays {@code running} in the
   * ledger), writes the last status and releases the lock, so that the next worker can start at once
   * and adopt them. Idempotent; nothing once {@link #stop} began.
   */
  public void handOver() {
    if (stopped.get()) {
      return;
    }
    handingOver.set(true);
    leave();
  }

  private void leave() {
    if (stopped.getAndSet(true)) {
      return;
    }
    long t0 = System.nanoTime();
    Duration budget = stopBudget(config.supervisor().stopGrace());
    log.info("worker_stopping grace_ms={} budget_ms={} hand_over={}", config.supervisor().stopGrace().toMillis(),
        budget.toMillis(), handingOver.get());
    events.stopping();
    lifecycle.stop(budget);
    log.info("worker_stopped took_ms={}", (System.nanoTime() - t0) / 1_000_000);
  }
}
