package dev.tended.notify;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends {@code WATCHDOG=1} every half of the watchdog timeout, but only while {@code progressing}
 * says so: systemd's watchdog must catch a process that is alive yet stuck, so the ping follows the
 * process's own proof of progress rather than the liveness of this timer. The timer runs on its own
 * schedule because the proof (a heartbeat, a watch loop) may tick more slowly than the watchdog needs.
 *
 * <p>Owns its thread ({@code sd-watchdog}); {@code withholding} is touched only there.
 */
public final class WatchdogPinger {
  private static final Logger log = LoggerFactory.getLogger(WatchdogPinger.class);

  private final Notifier notifier;
  private final Duration every;
  private final BooleanSupplier progressing;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "sd-watchdog"));
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean stopped = new AtomicBoolean();
  private boolean withholding;

  /** Pings through {@code notifier} every half of {@code timeout} while {@code progressing} is true. */
  public WatchdogPinger(Notifier notifier, Duration timeout, BooleanSupplier progressing) {
    this.notifier = Objects.requireNonNull(notifier);
    this.every = timeout.dividedBy(2);
    this.progressing = Objects.requireNonNull(progressing);
  }

  /**
   * A pinger for {@code notifier}'s watchdog timeout; with no watchdog (or no systemd) one that
   * never starts a thread.
   */
  public static WatchdogPinger forNotifier(Notifier notifier, BooleanSupplier progressing) {
    return new WatchdogPinger(notifier, notifier.watchdogTimeout().orElse(Duration.ZERO), progressing);
  }

  /** The time between pings; zero when there is no watchdog. */
  public Duration interval() {
    return every;
  }

  /** Pings now and then every interval; does nothing when there is no watchdog. */
  public void start() {
    if (every.isZero() || !notifier.active() || stopped.get() || started.getAndSet(true)) {
      return;
    }
    log.info("watchdog_pinging every_ms={}", every.toMillis());
    timer.scheduleAtFixedRate(this::tick, 0, every.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void tick() {
    try {
      if (progressing.getAsBoolean()) {
        if (withholding) {
          log.info("watchdog_resumed");
          withholding = false;
        }
        notifier.watchdog();
      } else if (!withholding) {
        withholding = true;
        log.warn("watchdog_withheld reason=\"no progress: systemd will stop the process when its watchdog expires\"");
      }
    } catch (Throwable t) {
      log.error("watchdog_tick_failed error=\"{}\"", t.getMessage(), t);
    }
  }

  /** Stops pinging (before a stop, so a slow stop is not mistaken for health). Idempotent. */
  public void stop() {
    if (stopped.getAndSet(true)) {
      return;
    }
    timer.shutdownNow();
    try {
      if (!timer.awaitTermination(2, TimeUnit.SECONDS)) {
        log.warn("watchdog_stop_timeout");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
