package dev.tended.supervisor.notify;

import dev.tended.config.RestartMode;
import dev.tended.config.TendedConfig;
import dev.tended.notify.Notifier;
import dev.tended.notify.WatchdogPinger;
import dev.tended.status.StatusFiles;
import dev.tended.status.WorkerStatus;
import dev.tended.notify.StatusLine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells systemd what the supervisor is doing when it runs as a {@code Type=notify} unit:
 * {@code READY=1} once it watches (with {@code restartWith: child}, once its worker has written a first
 * heartbeat, so the one-unit topology is "active" only when work is being done), a {@code STATUS=}
 * line with the worker's queue figures, {@code WATCHDOG=1} while the watch loop keeps completing its
 * checks, {@code STOPPING=1}; {@code ERRNO=} and the reason when it cannot start at all.
 *
 * <p>{@link #afterTick()} runs on the {@code watch} thread, which owns {@code ready} and the status
 * bookkeeping; the pinger reads only the volatile time of the last check.
 */
public final class SupervisorNotifications {
  private static final Logger log = LoggerFactory.getLogger(SupervisorNotifications.class);
  private static final long STATUS_EVERY_NANOS = Duration.ofSeconds(2).toNanos();

  private final Notifier notifier;
  private final boolean childMode;
  private final Path statusFile;
  private final long maxCheckGapNanos;
  private final LongSupplier nanoTime;
  private final long self = ProcessHandle.current().pid();
  private final WatchdogPinger pinger;
  private volatile long lastTickNanos;
  private volatile boolean stopping;
  private volatile boolean ready;
  private long lastStatusNanos;
  private String lastStatus = "";

  public SupervisorNotifications(Notifier notifier, TendedConfig config) {
    this(notifier, config.supervisor().restartWith() == RestartMode.CHILD, config.heartbeat().file(),
        // A check may legitimately block while a stalled worker is dumped and stopped.
        config.supervisor().stopGrace().plus(Duration.ofSeconds(20)), System::nanoTime);
  }

  SupervisorNotifications(Notifier notifier, boolean childMode, Path statusFile, Duration maxCheckGap,
      LongSupplier nanoTime) {
    this.notifier = Objects.requireNonNull(notifier);
    this.childMode = childMode;
    this.statusFile = statusFile;
    this.maxCheckGapNanos = maxCheckGap.toNanos();
    this.nanoTime = nanoTime;
    this.lastTickNanos = nanoTime.getAsLong();
    this.pinger = WatchdogPinger.forNotifier(notifier, this::progressing);
  }

  /** The watch loop is running: start the pings; in systemctl mode the supervisor is ready now. */
  public void watching() {
    lastTickNanos = nanoTime.getAsLong();
    if (!notifier.active()) {
      return;
    }
    pinger.start();
    if (!childMode) {
      ready = true;
      log.info("sd_ready mode=systemctl");
      notifier.ready("watching " + statusFile);
    } else if (!ready) {
      notifier.status("starting the worker");
    }
  }

  /** After each check of the watch loop. */
  public void afterTick() {
    long now = nanoTime.getAsLong();
    lastTickNanos = now;
    if (!notifier.active() || stopping) {
      return;
    }
    Optional<WorkerStatus> status = read();
    if (!ready) {
      if (childMode && status.filter(this::fromOurRunningChild).isPresent()) {
        ready = true;
        lastStatus = line(status.get());
        lastStatusNanos = now;
        log.info("sd_ready mode=child worker_pid={}", status.get().pid());
        notifier.ready(lastStatus);
      }
      return;
    }
    if (now - lastStatusNanos >= STATUS_EVERY_NANOS) {
      lastStatusNanos = now;
      String line = status.map(this::line).orElse("worker status unreadable");
      if (!line.equals(lastStatus)) {
        lastStatus = line;
        notifier.status(line);
      }
    }
  }

  private boolean fromOurRunningChild(WorkerStatus s) {
    return "running".equals(s.state()) && ProcessHandle.of(s.pid()).flatMap(ProcessHandle::parent)
        .map(ProcessHandle::pid).filter(p -> p == self).isPresent();
  }

  private String line(WorkerStatus s) {
    return "worker " + s.pid() + " " + s.state() + ": " + StatusLine.of(s);
  }

  private Optional<WorkerStatus> read() {
    try {
      return Optional.of(StatusFiles.read(statusFile));
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  /** The watch loop has completed a check recently enough. */
  boolean progressing() {
    return !stopping && nanoTime.getAsLong() - lastTickNanos <= maxCheckGapNanos;
  }

  /**
   * The supervisor could not start, possibly before it has a configuration: {@code ERRNO=errno} and
   * {@code STATUS=failed to start: <reason>}, the line {@code systemctl status} then shows beside
   * "failed" (as the worker does, {@code SystemdNotifications#startFailed}).
   */
  public static void startFailed(Notifier notifier, int errno, String reason) {
    log.info("sd_start_failed errno={} reason=\"{}\"", errno, reason);
    notifier.failing(errno, "failed to start: " + reason);
  }

  /**
   * A reload has begun: {@code RELOADING=1} with {@code MONOTONIC_USEC=} (CLOCK_MONOTONIC, which
   * {@link System#nanoTime()} reads on Linux; {@code Type=notify-reload} asks for it).
   */
  public void reloading() {
    log.info("sd_reloading");
    notifier.send("RELOADING=1", "MONOTONIC_USEC=" + nanoTime.getAsLong() / 1000, "STATUS=reloading: handing the worker over");
  }

  /** The reload has ended (done or failed): {@code READY=1} again, with {@code status}. */
  public void reloaded(String status) {
    log.info("sd_ready mode={} after=reload", childMode ? "child" : "systemctl");
    lastStatus = "";
    notifier.ready(status);
  }

  /** A stop has begun: no more pings, {@code STOPPING=1}. Idempotent. */
  public void stopping() {
    if (stopping) {
      return;
    }
    stopping = true;
    pinger.stop();
    notifier.stopping("stopping: stopping the worker");
  }
}
