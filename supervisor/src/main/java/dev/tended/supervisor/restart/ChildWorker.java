package dev.tended.supervisor.restart;

import dev.tended.posix.ProcFs;
import dev.tended.posix.ProcStat;
import dev.tended.posix.Signal;
import dev.tended.posix.Signals;
import dev.tended.posix.Subreaper;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code restartWith: child}: the worker is the supervisor's own child process. Its stdout and
 * stderr are the supervisor's (journald under systemd; the worker keeps its own {@code worker.log}),
 * its stdin is {@code /dev/null}, its working directory is {@code dataDir}, and it gets
 * {@code TENDED_CONFIG} in its environment.
 *
 * <p>The supervisor makes itself a {@link Subreaper} before the first start, so that what a dead
 * worker left running (handlers run in their own session) becomes the supervisor's descendant.
 * Once a worker has exited or been stopped, every remaining descendant of the supervisor is such
 * a leftover: it is stopped (TERM, CONT, {@code stopGrace}, KILL; {@code orphans_stopped}) before
 * the next worker starts, so no item runs twice at once, and when the supervisor stops, unless it is
 * a recorded handler or waiter ({@link RecordedHandlers}), which the next worker adopts. A stalled
 * worker gets HUP (hand-over) rather than TERM; at a reload it gets HUP and its exit 75 is awaited
 * ({@link #handOver}). Ended orphans are reaped by pid ({@link #reapOrphans()}), never the worker.
 *
 * <p>Owned by the watch thread; {@code onExit} is called from the JDK's process reaper thread and
 * must only wake the watch thread.
 */
final class ChildWorker implements WorkerControl {
  private static final Logger log = LoggerFactory.getLogger(ChildWorker.class);

  private final List<String> command;
  private final Path workingDir;
  private final Path configFile;
  private final Duration stopGrace;
  private static final long REAP_EVERY_NANOS = Duration.ofSeconds(1).toNanos();

  private final Runnable onExit;
  private final RecordedHandlers spare;
  private Process process;
  private long lastReap = System.nanoTime() - REAP_EVERY_NANOS;

  ChildWorker(List<String> command, Path workingDir, Path configFile, Duration stopGrace, Runnable onExit,
      RecordedHandlers spare) {
    this.command = List.copyOf(command);
    this.workingDir = workingDir;
    this.configFile = configFile;
    this.stopGrace = stopGrace;
    this.onExit = onExit;
    this.spare = java.util.Objects.requireNonNull(spare);
  }

  @Override
  public String mode() {
    return "child";
  }

  @Override
  public OptionalLong startInitially() throws IOException {
    becomeSubreaper();
    return relaunch();
  }

  private static void becomeSubreaper() {
    try {
      Subreaper.enable();
      log.info("subreaper_enabled pid={}", ProcessHandle.current().pid());
    } catch (Subreaper.Unavailable e) {
      log.warn("subreaper_unavailable error=\"{}\" action=orphans_may_escape", e.getMessage());
    }
  }

  @Override
  public OptionalLong relaunch() throws IOException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("worker pid " + process.pid() + " is still running");
    }
    if (process != null) {
      stopOrphans();
    }
    Files.createDirectories(workingDir);
    ProcessBuilder pb = new ProcessBuilder(command)
        .directory(workingDir.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.INHERIT)
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().put("TENDED_CONFIG", configFile.toString());
    // systemd's notification socket is the supervisor's: under NotifyAccess=main the worker's messages
    // would only be refused (and logged as such), so the child does not get it.
    pb.environment().keySet().removeAll(List.of("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"));
    Process p = pb.start();
    process = p;
    p.onExit().thenRun(onExit);
    log.info("worker_spawned pid={} command=\"{}\"", p.pid(), String.join(" ", command));
    return OptionalLong.of(p.pid());
  }

  @Override
  public OptionalInt exitCode() {
    Process p = process;
    if (p == null || p.isAlive()) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(p.exitValue());
  }

  @Override
  public OptionalLong pid() {
    Process p = process;
    return p == null ? OptionalLong.empty() : OptionalLong.of(p.pid());
  }

  @Override
  public boolean owns(long statusPid) {
    Process p = process;
    if (p == null) {
      return false;
    }
    if (p.pid() == statusPid) {
      return true;
    }
    Optional<ProcessHandle> h = ProcessHandle.of(statusPid);
    for (int depth = 0; h.isPresent() && depth < 8; depth++) {
      h = h.get().parent();
      if (h.isPresent() && h.get().pid() == p.pid()) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Optional<ProcessHandle> evidenceProcess(OptionalLong statusPid) {
    Process p = process;
    if (p == null || !p.isAlive()) {
      return Optional.empty();
    }
    if (statusPid.isPresent() && statusPid.getAsLong() != p.pid() && owns(statusPid.getAsLong())) {
      return ProcessHandle.of(statusPid.getAsLong()); // a wrapper started the JVM that beats
    }
    return Optional.of(p.toHandle());
  }

  @Override
  public void stopForRestart() {
    stopChild("restart", Signal.HUP);
  }

  @Override
  public void stop() {
    stopChild("supervisor_stopping", Signal.TERM);
  }

  private void stopChild(String why, Signal first) {
    Process p = process;
    if (p == null) {
      return;
    }
    WorkerTree.stop(p.toHandle(), stopGrace, why, first, spare);
    stopOrphans();
  }

  @Override
  public HandOver handOver(Duration limit) {
    Process p = process;
    long started = System.nanoTime();
    if (p == null || !p.isAlive()) {
      return new HandOver("none", null, 0);
    }
    try {
      Signals.toProcess(p.pid(), Signal.HUP);
      if (p.waitFor(limit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        int code = p.exitValue();
        stopOrphans();
        return new HandOver(code == HandOver.EXIT_CODE ? "handed_over" : "exited", code, millisSince(started));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.warn("worker_hand_over_signal_failed pid={} error=\"{}\"", p.pid(), e.getMessage());
    }
    log.warn("worker_hand_over_timeout pid={} limit_ms={} action=stop", p.pid(), limit.toMillis());
    stop();
    return new HandOver("stopped", p.isAlive() ? null : p.exitValue(), millisSince(started));
  }

  private static long millisSince(long started) {
    return (System.nanoTime() - started) / 1_000_000;
  }

  @Override
  public void reapOrphans() {
    long now = System.nanoTime();
    if (!Subreaper.enabled() || now - lastReap < REAP_EVERY_NANOS) {
      return;
    }
    lastReap = now;
    Process p = process;
    long self = ProcessHandle.current().pid();
    for (ProcStat child : ProcFs.table().children(self)) {
      if (!child.running() && (p == null || child.pid() != p.pid()) && Subreaper.reap(child.pid())) {
        log.debug("orphan_reaped pid={} comm={}", child.pid(), child.comm());
      }
    }
  }

  /**
   * Stops every descendant of the supervisor that is not the live worker or one of its own, nor a
   * recorded handler or waiter (nor one of theirs).
   */
  private void stopOrphans() {
    Process p = process;
    Set<Long> worker = new HashSet<>();
    if (p != null && p.isAlive()) {
      worker.add(p.pid());
      p.descendants().forEach(d -> worker.add(d.pid()));
    }
    List<ProcessHandle> left = spare.killable(ProcessHandle.current().descendants()
        .filter(h -> !worker.contains(h.pid()) && (p == null || h.pid() != p.pid())).toList(), "orphan");
    List<ProcessHandle> running = left.stream().filter(h -> !WorkerTree.gone(h)).toList();
    if (running.isEmpty()) {
      left.forEach(h -> Subreaper.reap(h.pid()));
      return;
    }
    long started = System.nanoTime();
    int killed = WorkerTree.stopAll(left, stopGrace);
    log.warn("orphans_stopped count={} pids={} killed={} took_ms={}", running.size(),
        running.stream().map(h -> Long.toString(h.pid())).collect(Collectors.joining(",")),
        killed, (System.nanoTime() - started) / 1_000_000);
  }
}
