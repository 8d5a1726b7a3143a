package dev.tended.worker.notify;

import dev.tended.notify.StatusLine;
import dev.tended.config.TendedConfig;
import dev.tended.notify.Notifier;
import dev.tended.notify.StartFailure;
import dev.tended.notify.WatchdogPinger;
import dev.tended.status.WorkerStatus;
import dev.tended.worker.heartbeat.PollReport;
import dev.tended.worker.heartbeat.ProgressBoard;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells systemd what the worker is doing: {@code EXTEND_TIMEOUT_USEC} before each long start-up step
 * (opening the ledger, recovering interrupted items, waiting for the first polls: systemd expects a
 * new message within each extension, so a slow start is extended step by step), {@code READY=1} once
 * every source has completed a first poll, a {@code STATUS=} line when it
 * changes, {@code WATCHDOG=1} only while the heartbeat proves progress, {@code STOPPING=1}.
 *
 * <p>The watchdog follows exactly the heartbeat's condition: no part wedged past the wedge limit, and
 * the last heartbeat tick wrote a beat no longer ago than its interval plus that limit (so a heartbeat
 * thread that is itself stuck also stops the pings). It is checked on its own schedule because the
 * heartbeat interval may be longer than half the watchdog timeout.
 *
 * <p>Threads: beats arrive on {@code heartbeat}; readiness is watched on {@code sd-ready}; pings go
 * from {@code sd-watchdog}. Shared state is volatile or atomic.
 */
public final class SystemdNotifications implements ServiceEvents {
  private static final Logger log = LoggerFactory.getLogger(SystemdNotifications.class);
  private static final long READY_CHECK_MS = 100;

  private final Notifier notifier;
  private final Duration heartbeatInterval;
  private final LongSupplier nanoTime;
  private final AtomicBoolean ready = new AtomicBoolean();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private volatile boolean failed;
  private volatile ScheduledExecutorService readiness;
  private volatile WatchdogPinger pinger;
  private volatile ProgressBoard progress;
  private volatile Duration wedgeLimit = Duration.ZERO;
  private volatile long lastBeatNanos;
  private volatile boolean withheld;
  private volatile String lastStatus = "";
  private volatile Duration startStep = Duration.ZERO;

  public SystemdNotifications(Notifier notifier, TendedConfig config) {
    this(notifier, config.heartbeat().interval(), System::nanoTime);
  }

  SystemdNotifications(Notifier notifier, Duration heartbeatInterval, LongSupplier nanoTime) {
    this.notifier = Objects.requireNonNull(notifier);
    this.heartbeatInterval = heartbeatInterval;
    this.nanoTime = nanoTime;
    this.lastBeatNanos = nanoTime.getAsLong();
  }

  @Override
  public void starting(Duration mayTake) {
    startStep = mayTake;
    notifier.extendTimeout(mayTake, "opening the ledger");
  }

  @Override
  public void startupStep(String what) {
    if (!startStep.isZero() && !ready.get() && !stopping.get()) {
      notifier.extendTimeout(startStep, what);
    }
  }

  @Override
  public void running(ProgressBoard board, Duration limit, Supplier<Map<String, PollReport>> polls) {
    this.progress = board;
    this.wedgeLimit = limit;
    if (!notifier.active() || stopping.get()) {
      return;
    }
    if (startStep.isZero()) {
      notifier.status("waiting for the first poll of every source");
    } else {
      startupStep("waiting for the first poll of every source");
    }
    pinger = WatchdogPinger.forNotifier(notifier, this::progressing);
    pinger.start();
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "sd-ready"));
    readiness = timer;
    timer.scheduleWithFixedDelay(() -> checkReady(polls), 0, READY_CHECK_MS, TimeUnit.MILLISECONDS);
  }

  private void checkReady(Supplier<Map<String, PollReport>> polls) {
    try {
      Map<String, PollReport> reports = polls.get();
      if (ready.get() || stopping.get() || !reports.values().stream().allMatch(r -> r.lastPollAt() != null)) {
        return;
      }
      ready.set(true);
      String line = lastStatus.isEmpty() ? reports.size() + " sources polled" : lastStatus;
      log.info("sd_ready sources={}", reports.size());
      notifier.ready(line);
      readiness.shutdown();
    } catch (Throwable t) {
      log.error("sd_ready_check_failed error=\"{}\"", t.getMessage(), t);
    }
  }

  /** The heartbeat's own condition, evaluated now. */
  boolean progressing() {
    ProgressBoard board = progress;
    if (board == null || withheld || stopping.get()) {
      return false;
    }
    long beatAge = nanoTime.getAsLong() - lastBeatNanos;
    return beatAge <= heartbeatInterval.plus(wedgeLimit).toNanos() && board.wedged(wedgeLimit).isEmpty();
  }

  @Override
  public void beat(WorkerStatus status) {
    lastBeatNanos = nanoTime.getAsLong();
    withheld = false;
    String line = StatusLine.of(status);
    if (!line.equals(lastStatus)) {
      lastStatus = line;
      if (ready.get() && !stopping.get()) {
        notifier.status(line);
      }
    }
  }

  @Override
  public void withheld(List<ProgressBoard.Wedge> wedges) {
    withheld = true;
    String line = "wedged: " + wedges.stream()
        .map(w -> w.part() + " stuck " + w.stuckFor().toSeconds() + "s").collect(Collectors.joining(", "));
    if (!line.equals(lastStatus)) {
      lastStatus = line;
      notifier.status(line);
    }
  }

  @Override
  public void startFailed(Throwable cause) {
    failed = true;
    stopTimers();
    notifier.failing(StartFailure.errnoFor(cause), "failed to start: " + cause.getMessage());
  }

  @Override
  public void stopping() {
    if (stopping.getAndSet(true)) {
      return;
    }
    stopTimers();
    if (failed) {
      notifier.send("STOPPING=1"); // keep the failure as the status line
    } else {
      notifier.stopping("stopping: finishing or handing back running items");
    }
  }

  @Override
  public void stopped() {
    if (!failed) {
      notifier.status("stopped");
    }
  }

  private void stopTimers() {
    WatchdogPinger p = pinger;
    if (p != null) {
      p.stop();
    }
    ScheduledExecutorService r = readiness;
    if (r != null) {
      r.shutdownNow();
    }
  }

}
