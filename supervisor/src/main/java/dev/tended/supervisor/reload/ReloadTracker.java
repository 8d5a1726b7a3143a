package dev.tended.supervisor.reload;

import dev.tended.logging.Kv;
import dev.tended.status.StatusFiles;
import dev.tended.status.WorkerStatus;
import dev.tended.supervisor.notify.SupervisorNotifications;
import dev.tended.supervisor.restart.HandOver;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reload from the signal to its outcome: refused (nothing changed), or begun
 * ({@code RELOADING=1}, {@code reloading} in {@link ReloadState}) and then done at the new worker's
 * first heartbeat ({@code READY=1}, {@code reload_done took_ms=…}) or failed when that beat does not
 * come within the limit. Every change is written to {@link ReloadStateFile}, where {@code tended
 * reload} and {@code health-diagnose} read it. The new worker is the first one whose status file says
 * {@code running} with a pid other than the one that wrote it when the reload began.
 *
 * <p>{@link #refused}, {@link #begin} and {@link #handedOver} run on the supervisor's main thread,
 * {@link #afterTick()} on the watch thread: every method is synchronized (each is short, a file
 * write at most).
 */
public final class ReloadTracker {
  private static final Logger log = LoggerFactory.getLogger(ReloadTracker.class);

  private final Path file;
  private final Path statusFile;
  private final SupervisorNotifications systemd;
  private final Clock wall;
  private final LongSupplier nanos;
  private long generation;
  private Pending pending;

  private record Pending(String configFile, long signalNanos, Instant requestedAt, long oldPid, long deadlineNanos,
      HandOver handOver) {}

  ReloadTracker(Path file, Path statusFile, SupervisorNotifications systemd, Clock wall, LongSupplier nanos) {
    this.file = Objects.requireNonNull(file);
    this.statusFile = Objects.requireNonNull(statusFile);
    this.systemd = Objects.requireNonNull(systemd);
    this.wall = Objects.requireNonNull(wall);
    this.nanos = Objects.requireNonNull(nanos);
    try {
      generation = ReloadStateFile.read(file).map(ReloadState::generation).orElse(0L);
    } catch (IOException | RuntimeException e) {
      log.warn("reload_state_unreadable file={} error={} action=starting_afresh", file, Kv.q(String.valueOf(e.getMessage())));
    }
  }

  /** The tracker of {@code dataDir}'s reloads. */
  public static ReloadTracker in(Path dataDir, Path statusFile, SupervisorNotifications systemd) {
    return new ReloadTracker(ReloadStateFile.in(dataDir), statusFile, systemd, Clock.systemUTC(), System::nanoTime);
  }

  /** A supervisor has started: an earlier refusal no longer stands. */
  public synchronized void started(String configFile) {
    pending = null;
    save(ReloadState.STARTED, configFile, wall.instant(), null, null, List.of());
  }

  /** The reload was refused: nothing changes; the problems stay on record until a later success. */
  public synchronized void refused(String configFile, Instant requestedAt, List<String> problems) {
    pending = null;
    save(ReloadState.REFUSED, configFile, requestedAt, null, null, problems);
  }

  /**
   * The reload was accepted: {@code RELOADING=1}; the worker is about to be handed over. It is done
   * at the first beat of a new worker, failed when none comes within {@code limit} of the signal.
   */
  public synchronized void begin(String configFile, long signalNanos, Instant requestedAt, Duration limit) {
    long oldPid = status().map(WorkerStatus::pid).orElse(-1L);
    pending = new Pending(configFile, signalNanos, requestedAt, oldPid, signalNanos + limit.toNanos(), null);
    systemd.reloading();
    save(ReloadState.RELOADING, configFile, requestedAt, null, null, List.of());
  }

  /** How the old worker left (logged with the outcome). */
  public synchronized void handedOver(HandOver handOver) {
    if (pending != null) {
      Pending p = pending;
      pending = new Pending(p.configFile(), p.signalNanos(), p.requestedAt(), p.oldPid(), p.deadlineNanos(), handOver);
    }
  }

  /** After each check of the watching: is the new worker beating yet, or is it too late. */
  public synchronized void afterTick() {
    Pending p = pending;
    if (p == null) {
      return;
    }
    long now = nanos.getAsLong();
    long tookMs = (now - p.signalNanos()) / 1_000_000;
    Optional<WorkerStatus> s = status();
    String handOver = p.handOver() == null ? "-" : p.handOver().outcome();
    if (s.isPresent() && "running".equals(s.get().state()) && s.get().pid() != p.oldPid()) {
      pending = null;
      long pid = s.get().pid();
      systemd.reloaded("worker " + pid + " running: reloaded in " + tookMs + " ms");
      log.info("reload_done config={} took_ms={} old_pid={} new_pid={} hand_over={}", Kv.q(p.configFile()), tookMs,
          p.oldPid(), pid, handOver);
      save(ReloadState.DONE, p.configFile(), p.requestedAt(), tookMs, pid, List.of());
    } else if (now - p.deadlineNanos() >= 0) {
      pending = null;
      String why = "no heartbeat from a new worker within " + tookMs + " ms of the signal (hand-over: " + handOver + ")";
      systemd.reloaded("reload failed: " + why);
      log.error("reload_failed config={} took_ms={} old_pid={} hand_over={} reason={}", Kv.q(p.configFile()), tookMs,
          p.oldPid(), handOver, Kv.q(why));
      save(ReloadState.FAILED, p.configFile(), p.requestedAt(), tookMs, null, List.of(why));
    }
  }

  private Optional<WorkerStatus> status() {
    try {
      return Optional.of(StatusFiles.read(statusFile));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private void save(String outcome, String configFile, Instant requestedAt, Long tookMs, Long workerPid,
      List<String> problems) {
    if (!ReloadState.DONE.equals(outcome) && !ReloadState.FAILED.equals(outcome)) {
      generation++; // a new request (or start); its ending keeps the number
    }
    ReloadState s = new ReloadState(ReloadState.SCHEMA, generation, ProcessHandle.current().pid(), outcome, configFile,
        requestedAt, ReloadState.RELOADING.equals(outcome) ? null : wall.instant(), tookMs, workerPid, problems);
    try {
      ReloadStateFile.write(file, s);
    } catch (IOException | RuntimeException e) {
      log.warn("reload_state_write_failed file={} error={}", file, Kv.q(String.valueOf(e.getMessage())));
    }
  }
}
