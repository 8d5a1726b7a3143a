package dev.tended.supervisor.watch;

import dev.tended.config.TendedConfig;
import dev.tended.supervisor.restart.HandOver;
import dev.tended.supervisor.restart.RestartLog;
import dev.tended.supervisor.restart.WorkerControl;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running supervisor: one thread named {@code watch} that owns the {@link Watchdog} and calls it
 * every {@link #CHECK_INTERVAL} (and at once when the child exits; every {@link #FIRST_BEAT_CHECK_INTERVAL}
 * while a started worker's first beat is awaited, a stat of the status file each), until {@link #stop()}. Every tick
 * is guarded, so a bug in one check is logged as {@code watch_tick_failed} and the next check still
 * runs: the watching never dies silently. It also ends by itself when the worker exits in a way a
 * restart cannot fix ({@link #refusal()}), and by {@link #handOver} at a reload, which leaves the
 * worker's handlers running for the next watching's worker.
 */
public final class Supervision {
  private static final Logger log = LoggerFactory.getLogger(Supervision.class);
  /**
   * How often the heartbeat is checked: detection is {@code staleAfter} plus at most this. Once a second
   * (what the contract asks for at least) rather than twice: each check wakes the JVM, and an idle
   * supervisor does little else.
   */
  public static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);
  /**
   * How often the heartbeat is checked while a started worker's first beat is awaited: start →
   * {@code READY=1} waits for that beat, and a check every second would add half a second to it on average.
   */
  static final Duration FIRST_BEAT_CHECK_INTERVAL = Duration.ofMillis(25);

  private final Watchdog watchdog;
  private final Duration stopLimit;
  private final Semaphore wake = new Semaphore(0);
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final AtomicBoolean started = new AtomicBoolean();
  private final Thread thread;
  private volatile Runnable afterTick = () -> { };
  private volatile Runnable onRefusal = () -> { };
  private volatile Optional<WorkerRefusal> refusal = Optional.empty();
  /** Set before a stop that is a hand-over: the watch thread then hands the worker over instead. */
  private volatile Duration handOverLimit;
  private volatile HandOver handedOver;

  /**
   * @param workerFactory builds the worker control, given the callback that wakes the watch thread
   */
  public Supervision(TendedConfig config, java.util.function.Function<Runnable, WorkerControl> workerFactory,
      StallEvidence evidence, RestartLog restarts, MonotonicClock clock, Clock wall) {
    WorkerControl worker = workerFactory.apply(wake::release);
    this.watchdog = new Watchdog(config.supervisor(), clock,
        StatusSource.of(config.heartbeat().file(),
            err -> log.debug("status_unreadable file={} error=\"{}\"", config.heartbeat().file(), err)),
        config.heartbeat().file(), worker, evidence, restarts, wall, CHECK_INTERVAL);
    // Stopping the worker takes at most stopGrace plus the KILL wait; a stall capture in progress adds
    // its thread-dump timeout.
    this.stopLimit = config.supervisor().stopGrace().plus(Duration.ofSeconds(20));
    this.thread = new Thread(this::run, "watch");
  }

  /** Runs {@code listener} on the watch thread after every check (guarded like the check); set before {@link #start()}. */
  public void afterEachTick(Runnable listener) {
    this.afterTick = java.util.Objects.requireNonNull(listener);
  }

  /**
   * Runs {@code listener} on the watch thread when the watching ends by a {@link #refusal()}, once the
   * worker is stopped; set before {@link #start()}.
   */
  public void onRefusal(Runnable listener) {
    this.onRefusal = java.util.Objects.requireNonNull(listener);
  }

  /** Starts the worker and the watching. */
  public void start() {
    if (started.getAndSet(true)) {
      throw new IllegalStateException("already started");
    }
    thread.start();
  }

  private void run() {
    try {
      guarded(watchdog::start);
      guarded(afterTick);
      while (!stopping.get()) {
        try {
          Duration interval = watchdog.awaitingFirstBeat() ? FIRST_BEAT_CHECK_INTERVAL : CHECK_INTERVAL;
          wake.tryAcquire(interval.toMillis(), TimeUnit.MILLISECONDS);
          wake.drainPermits();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
        if (stopping.get()) {
          break;
        }
        guarded(watchdog::tick);
        guarded(afterTick);
        if (watchdog.refusal().isPresent()) {
          refusal = watchdog.refusal();
          break;
        }
      }
    } finally {
      Duration limit = handOverLimit;
      if (limit != null) {
        guarded(() -> handedOver = watchdog.handOver(limit));
      } else {
        guarded(watchdog::stop);
      }
      log.info("watch_stopped");
      if (refusal.isPresent()) {
        guarded(onRefusal);
      }
    }
  }

  private static void guarded(Runnable step) {
    try {
      step.run();
    } catch (Throwable t) {
      log.error("watch_tick_failed error=\"{}\"", t.toString(), t);
      if (t instanceof Error && !(t instanceof AssertionError) && !(t instanceof StackOverflowError)) {
        throw (Error) t;
      }
    }
  }

  /** Stops the watching and the worker (child mode), waiting a bounded time. Idempotent. */
  public void stop() {
    if (stopping.getAndSet(true)) {
      awaitStopped();
      return;
    }
    log.info("supervisor_stopping limit_ms={}", stopLimit.toMillis());
    wake.release();
    awaitStopped();
  }

  /**
   * Ends the watching by a hand-over (a reload): the worker is asked to hand over within
   * {@code limit} and its handlers are left running; returns how it left. The caller starts the next
   * watching. Not idempotent with {@link #stop()}: call one or the other.
   */
  public HandOver handOver(Duration limit) {
    handOverLimit = java.util.Objects.requireNonNull(limit);
    if (stopping.getAndSet(true)) {
      awaitStopped();
    } else {
      log.info("supervisor_handing_over limit_ms={}", limit.toMillis());
      wake.release();
      awaitStopped(limit.plus(stopLimit));
    }
    HandOver h = handedOver;
    return h != null ? h : new HandOver(started.get() ? "failed" : "none", null, 0);
  }

  private void awaitStopped() {
    awaitStopped(stopLimit);
  }

  private void awaitStopped(Duration limit) {
    if (!started.get()) {
      return;
    }
    try {
      thread.join(limit.toMillis());
      if (thread.isAlive()) {
        log.error("supervisor_stop_limit_hit limit_ms={} action=exiting_anyway", limit.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Set when the watching ended because the worker exited in a way a restart cannot fix (the worker
   * is stopped by then); the supervisor then exits with {@link WorkerRefusal#exitCode()}.
   */
  public Optional<WorkerRefusal> refusal() {
    return refusal;
  }

  /** Whether the watch thread has finished (after a stop, a refusal, or an Error). */
  public boolean isTerminated() {
    return started.get() && !thread.isAlive();
  }
}
