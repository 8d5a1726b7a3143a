package dev.tended.supervisor.watch;

import dev.tended.config.SupervisorConfig;
import dev.tended.status.WorkerStatus;
import dev.tended.supervisor.restart.HandOver;
import dev.tended.supervisor.restart.RestartBackoff;
import dev.tended.supervisor.restart.RestartEvent;
import dev.tended.supervisor.restart.RestartLog;
import dev.tended.supervisor.restart.WorkerControl;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisor's decisions, one {@link #tick()} at a time: start the worker, notice that it exited
 * (restart after the backoff; at once, uncounted, when it exited 75: it handed over) or stalled
 * (capture evidence, hand it over or kill it, start it again), reset the backoff
 * once it has run healthy for {@code restartBackoff.resetAfter}, and log a {@code watch_ok} summary (whatever the
 * tick decided, including while a crash loop waits out its backoff)
 * every {@code watchOkEvery}. Time comes from the injected {@link MonotonicClock} only.
 *
 * <p>Not thread-safe: every method runs on the watch thread (tests call it directly).
 */
final class Watchdog {
  private static final Logger log = LoggerFactory.getLogger(Watchdog.class);

  private final SupervisorConfig config;
  private final MonotonicClock clock;
  private final StatusSource status;
  private final Path statusFile;
  private final WorkerControl worker;
  private final StallEvidence evidence;
  private final RestartLog restarts;
  private final Timeline timeline;
  private final StallDetector detector;
  private final RestartBackoff backoff;
  private final long gapThresholdNanos;

  private long lastTick;
  private long lastWatchOk;
  private long workerStartedAt;
  private OptionalLong workerPid = OptionalLong.empty();
  private Optional<WorkerStatus> lastStatus = Optional.empty();
  private boolean foreignLogged;
  /** When a crashed worker is due to start again; empty while one runs. */
  private OptionalLong restartAt = OptionalLong.empty();
  private Pending pending;
  private boolean started;
  private boolean firstBeatPending;
  /** The worker before this one: its last status file is expected, not foreign. */
  private long previousPid = -1;
  /** Set once the worker exited in a way a restart cannot fix; the watching then ends. */
  private Optional<WorkerRefusal> refusal = Optional.empty();

  /** Why the worker is about to be started again, kept until it is. */
  private record Pending(String reason, long pid, Integer exitCode, Long staleForMs, long uptimeMs, String record,
      long delayMs) {}

  Watchdog(SupervisorConfig config, MonotonicClock clock, StatusSource status, Path statusFile,
      WorkerControl worker, StallEvidence evidence, RestartLog restarts, java.time.Clock wall,
      Duration checkInterval) {
    this.config = Objects.requireNonNull(config);
    this.clock = Objects.requireNonNull(clock);
    this.status = Objects.requireNonNull(status);
    this.statusFile = Objects.requireNonNull(statusFile);
    this.worker = Objects.requireNonNull(worker);
    this.evidence = Objects.requireNonNull(evidence);
    this.restarts = Objects.requireNonNull(restarts);
    this.timeline = new Timeline(wall, clock);
    this.detector = new StallDetector(config.staleAfter(), config.startupGrace());
    this.backoff = new RestartBackoff(config.restartBackoffInitial(), config.restartBackoffMax());
    this.gapThresholdNanos = Math.max(Duration.ofSeconds(5).toNanos(), checkInterval.toNanos() * 5);
  }

  /** Starts the worker the first time. */
  void start() {
    long now = clock.nanos();
    lastTick = now;
    lastWatchOk = now;
    // The file as it is now is the baseline: an earlier worker's last beat is not this one's first.
    status.read().ifPresent(s -> detector.observe(now, s.pid(), s.sequence()));
    started = true;
    log.info("watch_started mode={} stale_after_ms={} startup_grace_ms={} stop_grace_ms={} backoff_initial_ms={} "
            + "backoff_max_ms={} status_file={} restarts_last_hour={}",
        worker.mode(), config.staleAfter().toMillis(), config.startupGrace().toMillis(),
        config.stopGrace().toMillis(), config.restartBackoffInitial().toMillis(),
        config.restartBackoffMax().toMillis(), statusFile, restarts.restartsInLastHour());
    launch(false);
  }

  /**
   * Whether a worker has been started and its first beat is still to come: the watch loop then checks
   * more often, so the first beat (and {@code READY=1}, which waits for it) is seen sooner.
   */
  boolean awaitingFirstBeat() {
    return started && firstBeatPending;
  }

  /** One check: never throws for the worker's sake; the caller still guards against bugs. */
  void tick() {
    try {
      check();
    } finally {
      // Time spent acting (a thread dump, a stop grace) is not a gap in the watching.
      lastTick = clock.nanos();
    }
  }

  private void check() {
    worker.reapOrphans();
    long now = clock.nanos();
    try {
      decide(now);
    } finally {
      // Whatever this tick decided (even waiting out a crash loop's backoff): the summary is due by time.
      summarize(clock.nanos());
    }
  }

  private void summarize(long now) {
    if (now - lastWatchOk < config.watchOkEvery().toNanos()) {
      return;
    }
    lastWatchOk = now;
    String state;
    String beatAge;
    String healthyFor;
    if (restartAt.isPresent()) {
      state = "waiting_to_restart";
      beatAge = "-";
      healthyFor = "-";
    } else {
      StallDetector.Assessment a = detector.assess(now);
      state = a.kind().name().toLowerCase(java.util.Locale.ROOT);
      beatAge = Long.toString(a.silentNanos() / 1_000_000);
      healthyFor = Long.toString(a.healthyNanos() / 1_000_000_000L);
    }
    log.info("watch_ok mode={} pid={} state={} sequence={} beat_age_ms={} healthy_for_s={} restarts_last_hour={} "
            + "failures_in_a_row={}",
        worker.mode(), pidText(), state, sequenceText(), beatAge, healthyFor, restarts.restartsInLastHour(),
        backoff.failuresInARow());
  }

  private void decide(long now) {
    long gap = now - lastTick;
    if (started && gap > gapThresholdNanos) {
      // We did not run (suspended VM, starved CPU, supervisor stopped): do not blame the worker.
      log.warn("watch_gap gap_ms={} action=deadlines_moved", gap / 1_000_000);
      timeline.add("watch_gap gap_ms=" + gap / 1_000_000);
      detector.excuse(gap);
    }
    lastTick = now;

    if (restartAt.isPresent()) {
      if (now - restartAt.getAsLong() >= 0) {
        launch(true);
      }
      return;
    }

    if (refusal.isPresent()) {
      return;
    }
    OptionalInt exit = worker.exitCode();
    if (exit.isPresent() && WorkerRefusal.ends(exit.getAsInt())) {
      onRefusal(now, exit.getAsInt());
      return;
    }
    if (exit.isPresent() && exit.getAsInt() == HandOver.EXIT_CODE) {
      onHandedOver(now);
      return;
    }
    if (exit.isPresent()) {
      onExit(now, exit.getAsInt());
      return;
    }

    Optional<WorkerStatus> s = status.read();
    if (s.isPresent()) {
      lastStatus = s;
      WorkerStatus st = s.get();
      StallDetector.Observation o = detector.observe(now, st.pid(), st.sequence());
      if (o == StallDetector.Observation.FOREIGN_PID && !foreignLogged && st.pid() != previousPid) {
        foreignLogged = true;
        log.warn("status_foreign_pid status_pid={} worker_pid={} action=ignored", st.pid(), pidText());
        timeline.add("status_foreign_pid status_pid=" + st.pid() + " sequence=" + st.sequence() + " (ignored)");
      }
      if (o == StallDetector.Observation.BEAT && firstBeatPending) {
        firstBeatPending = false;
        long ms = (now - workerStartedAt) / 1_000_000;
        log.info("worker_first_heartbeat pid={} sequence={} after_ms={}", st.pid(), st.sequence(), ms);
        timeline.add("first_heartbeat pid=" + st.pid() + " sequence=" + st.sequence() + " after_ms=" + ms);
      }
    }

    StallDetector.Assessment a = detector.assess(now);
    if (a.kind() == StallDetector.Kind.STALE) {
      onStall(now, a);
      return;
    }
    if (a.kind() == StallDetector.Kind.HEALTHY && backoff.failuresInARow() > 0
        && a.healthyNanos() >= config.restartBackoffResetAfter().toNanos()) {
      log.info("restart_backoff_reset failures_in_a_row={} healthy_for_ms={}",
          backoff.failuresInARow(), a.healthyNanos() / 1_000_000);
      backoff.reset();
      restarts.save("watching", boxedPid(), 0, null);
    }
  }

  private void onExit(long now, int exitCode) {
    long uptime = (now - workerStartedAt) / 1_000_000;
    long pid = workerPid.orElse(0);
    Duration delay = backoff.nextDelay();
    log.warn("worker_exited pid={} exit_code={} uptime_ms={} restart_in_ms={} failures_in_a_row={}",
        pid, exitCode, uptime, delay.toMillis(), backoff.failuresInARow());
    timeline.add("worker_exited pid=" + pid + " exit_code=" + exitCode + " uptime_ms=" + uptime);
    if (backoff.failuresInARow() >= dev.tended.supervisor.restart.SupervisorState.CRASH_LOOP_FAILURES) {
      log.warn("worker_crash_looping failures_in_a_row={} next_delay_ms={} max_delay_ms={}",
          backoff.failuresInARow(), delay.toMillis(), config.restartBackoffMax().toMillis());
    }
    pending = new Pending("exit", pid, exitCode, null, uptime, null, delay.toMillis());
    scheduleRestart(now, delay);
  }

  /**
   * The worker exited 75: it handed over (someone sent it SIGHUP), leaving its handlers running. The
   * next worker starts at once; it is not a failure and not counted as a restart.
   */
  private void onHandedOver(long now) {
    long uptime = (now - workerStartedAt) / 1_000_000;
    log.info("worker_handed_over pid={} exit_code={} uptime_ms={} action=start_next", pidText(), HandOver.EXIT_CODE,
        uptime);
    timeline.add("worker_handed_over pid=" + pidText() + " uptime_ms=" + uptime);
    pending = null;
    launch(false);
  }

  /**
   * A reload: the worker hands over ({@link WorkerControl#handOver}) and the watching ends without
   * stopping anything else; the caller starts the next watching, whose worker adopts the handlers.
   */
  HandOver handOver(Duration limit) {
    log.info("worker_hand_over_requested pid={} mode={} limit_ms={}", pidText(), worker.mode(), limit.toMillis());
    HandOver h;
    try {
      h = worker.handOver(limit);
    } catch (IOException | RuntimeException e) {
      log.error("worker_hand_over_failed pid={} mode={} error=\"{}\"", pidText(), worker.mode(), e.getMessage());
      h = new HandOver("failed", null, 0);
    }
    log.info("worker_hand_over_done pid={} outcome={} exit_code={} took_ms={}", pidText(), h.outcome(),
        orDash(h.exitCode()), h.tookMs());
    restarts.save("reloading", null, backoff.failuresInARow(), null);
    return h;
  }

  /** The worker will not run with this configuration: no restart, the watching ends. */
  private void onRefusal(long now, int exitCode) {
    long uptime = (now - workerStartedAt) / 1_000_000;
    long pid = workerPid.orElse(0);
    log.error("worker_config_refused pid={} exit_code={} uptime_ms={} action=supervisor_exiting",
        pid, exitCode, uptime);
    timeline.add("worker_config_refused pid=" + pid + " exit_code=" + exitCode + " uptime_ms=" + uptime);
    refusal = Optional.of(new WorkerRefusal(pid, exitCode));
  }

  /**
   * Set once the worker exited with a code that a restart cannot fix; the caller then ends the
   * watching (and the supervisor exits with that code).
   */
  Optional<WorkerRefusal> refusal() {
    return refusal;
  }

  private void scheduleRestart(long now, Duration delay) {
    restartAt = OptionalLong.of(now + delay.toNanos());
    restarts.save("waiting_to_restart", null, backoff.failuresInARow(), restarts.now().plus(delay));
  }

  private void onStall(long now, StallDetector.Assessment a) {
    long silentMs = a.silentNanos() / 1_000_000;
    long uptime = (now - workerStartedAt) / 1_000_000;
    OptionalLong statusPid = lastStatus.map(s -> OptionalLong.of(s.pid())).orElse(OptionalLong.empty());
    long pid = workerPid.orElse(statusPid.orElse(0));
    String reason = a.beatSeen()
        ? "heartbeat sequence " + detector.lastSequence() + " has not advanced for " + silentMs
            + " ms (staleAfter " + a.limit().toMillis() + " ms)"
        : "no heartbeat from pid " + pid + " within " + silentMs + " ms of its start (startupGrace "
            + a.limit().toMillis() + " ms)";
    log.warn("worker_stalled pid={} stale_for_ms={} limit_ms={} first_beat_seen={} sequence={}",
        pid, silentMs, a.limit().toMillis(), a.beatSeen(), sequenceText());
    timeline.add("stall_detected pid=" + pid + " " + reason);
    Optional<ProcessHandle> proc = worker.evidenceProcess(statusPid);
    Optional<String> record;
    try {
      record = evidence.capture(new StallReport(restarts.now(), proc, reason, timeline.lines(), statusFile));
    } catch (RuntimeException e) {
      log.error("stall_record_failed pid={} error=\"{}\"", pid, e.toString());
      record = Optional.empty();
    }
    worker.stopForRestart();
    backoff.nextDelay(); // counts the failure; a stall has already waited staleAfter, so no further delay
    pending = new Pending("stale", pid, null, silentMs, uptime, record.orElse(null), 0);
    launch(true);
  }

  private void launch(boolean isRestart) {
    restartAt = OptionalLong.empty();
    OptionalLong pid;
    try {
      pid = isRestart ? worker.relaunch() : worker.startInitially();
    } catch (IOException | RuntimeException e) {
      long now = clock.nanos();
      Duration delay = backoff.nextDelay();
      log.error("worker_start_failed mode={} error=\"{}\" retry_in_ms={} failures_in_a_row={}",
          worker.mode(), e.getMessage(), delay.toMillis(), backoff.failuresInARow());
      timeline.add("worker_start_failed error=" + e.getMessage());
      if (pending == null) {
        pending = new Pending("start_failed", 0, null, null, 0, null, delay.toMillis());
      }
      workerPid = OptionalLong.empty();
      workerStartedAt = now;
      scheduleRestart(now, delay);
      return;
    }
    long now = clock.nanos();
    previousPid = workerPid.orElse(previousPid);
    workerPid = pid;
    workerStartedAt = now;
    firstBeatPending = true;
    foreignLogged = false;
    detector.workerStarted(now, worker::owns);
    timeline.add((isRestart ? "worker_restarted" : "worker_spawned") + " pid=" + pidText() + " mode=" + worker.mode());
    if (isRestart && pending != null) {
      Pending p = pending;
      // The fields first, in its order; "-" where a field does not apply (no literal nulls).
      log.warn("worker_restarted reason={} pid={} exit_code={} stale_for_ms={} new_pid={} uptime_ms={} delay_ms={} "
              + "failures_in_a_row={} stall_record={}",
          p.reason(), p.pid(), orDash(p.exitCode()), orDash(p.staleForMs()), pidText(), p.uptimeMs(), p.delayMs(),
          backoff.failuresInARow(), orDash(p.record()));
      restarts.record(new RestartEvent(restarts.now(), p.reason(), p.pid(), p.exitCode(), p.staleForMs(),
          p.uptimeMs(), p.record()));
    }
    pending = null;
    restarts.save("watching", boxedPid(), backoff.failuresInARow(), null);
  }

  /** Stops the worker for good (the supervisor is stopping). */
  void stop() {
    log.info("worker_stop_requested pid={} mode={} grace_ms={}", pidText(), worker.mode(), config.stopGrace().toMillis());
    worker.stop();
    restarts.save("stopped", null, backoff.failuresInARow(), null);
  }

  private static String orDash(Object value) {
    return value == null ? "-" : value.toString();
  }

  private String sequenceText() {
    long seq = detector.lastSequence();
    return seq == Long.MIN_VALUE ? "none" : Long.toString(seq);
  }

  private String pidText() {
    return workerPid.isPresent() ? Long.toString(workerPid.getAsLong()) : "unknown";
  }

  private Long boxedPid() {
    return workerPid.isPresent() ? workerPid.getAsLong() : null;
  }

  /** For tests. */
  int failuresInARow() {
    return backoff.failuresInARow();
  }

  /** For tests: the delay the next crash would get. */
  Duration nextDelay() {
    return backoff.peek();
  }
}
