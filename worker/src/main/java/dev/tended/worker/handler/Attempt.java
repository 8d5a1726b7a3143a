package dev.tended.worker.handler;

import dev.tended.config.Durations;
import dev.tended.posix.Signal;
import dev.tended.posix.Signals;
import dev.tended.worker.handler.HandlerResult.Ending;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One started handler and everything that happens to it until its result exists: the timeout, a
 * cancel, then sealing its output and stopping whatever it left running.
 *
 * <p>All of that runs in the thread that calls {@link #awaitResult()}, which waits on the process in
 * short slices; the only other threads are the two {@link OutputPump}s, which own the output files
 * until they are sealed. {@link #cancel()} only sets a flag that the waiting thread reads, so the
 * process tree has one owner.
 */
final class Attempt implements RunningHandler {
  static final int TAIL_BYTES = 4096;

  private static final Logger LOG = LoggerFactory.getLogger(Attempt.class);
  private static final long SLICE_NANOS = Duration.ofMillis(50).toNanos();
  private static final Duration REAP_WAIT = Duration.ofSeconds(2);
  /** How long an exited handler's output may take to reach the files before they are sealed. */
  private static final Duration DRAIN_WAIT = Duration.ofSeconds(2);
  /** How long the pumps may take to see the end of the pipes once the tree is stopped. */
  private static final Duration PUMP_END_WAIT = Duration.ofSeconds(1);
  /** How setsid's own messages start; the rest of the message may be translated. */
  private static final String LAUNCHER_PREFIX = "setsid: ";

  private final Process process;
  private final HandlerRequest request;
  private final Clock clock;
  private final Instant startedAt;
  private final long startNanos;
  private final OutputPump stdout;
  private final OutputPump stderr;
  private final HandlerGroup group;
  private final AttemptGuard guard;
  private volatile boolean cancelRequested;
  private HandlerResult result; // guarded by this

  /** The moment the outcome was fixed. */
  private record Decision(Ending ending, int exitCode, Instant at, String why) {}

  Attempt(Process process, HandlerRequest request, Clock clock, Instant startedAt, long startNanos,
      OutputPump stdout, OutputPump stderr, HandlerGroup group) {
    this.process = process;
    this.request = request;
    this.clock = clock;
    this.startedAt = startedAt;
    this.startNanos = startNanos;
    this.stdout = stdout;
    this.stderr = stderr;
    this.group = group;
    // The progress clock starts now: at the start, or at the adoption of a handler that ran on without a worker.
    this.guard = new AttemptGuard(process.pid(), request, () -> stdout.received() + stderr.received(),
        System.nanoTime());
  }

  @Override
  public long pid() {
    return process.pid();
  }

  @Override
  public void cancel() {
    if (!cancelRequested) {
      cancelRequested = true;
      LOG.debug("handler_cancel_requested pid={}", pid());
    }
  }

  @Override
  public Optional<HandlerProcesses> processes() {
    return Optional.empty(); // issue 12: the waiter part fills this in
  }

  @Override
  public void detach() {
    throw new UnsupportedOperationException("issue 12: the waiter part builds detach");
  }

  @Override
  public synchronized HandlerResult awaitResult() throws InterruptedException {
    if (result != null) {
      return result;
    }
    Decision decision;
    try {
      decision = watch();
    } catch (InterruptedException e) {
      result = conclude(decide(Ending.CANCELLED, -1,
          "cancelled after " + format(elapsed()) + ": waiting thread interrupted"));
      throw e;
    }
    result = conclude(decision);
    return result;
  }

  /** Waits until the handler exits, the timeout passes, or a cancel arrives, checking as it goes. */
  private Decision watch() throws InterruptedException {
    long deadline = startNanos + request.timeout().toNanos();
    long nextCheck = System.nanoTime();
    while (true) {
      if (cancelRequested) {
        return decide(Ending.CANCELLED, -1, "cancelled after " + format(elapsed()));
      }
      long now = System.nanoTime();
      if (now - deadline >= 0) {
        return decide(Ending.TIMED_OUT, -1, "timed out after " + format(request.timeout()));
      }
      if (now - nextCheck >= 0) {
        Optional<AttemptGuard.Breach> breach = check(now);
        if (breach.isPresent()) {
          return decide(breach.get().ending(), -1, breach.get().why());
        }
        nextCheck = now + guard.checkEveryNanos();
      }
      long wait = Math.min(SLICE_NANOS, Math.min(deadline - now, Math.max(1, nextCheck - now)));
      if (process.waitFor(wait, TimeUnit.NANOSECONDS)) {
        int code = process.exitValue();
        return decide(Ending.EXITED, code, "exited with code " + code);
      }
    }
  }

  /** The periodic work while the handler runs: limits and progress; never throws, so the watch goes on. */
  private Optional<AttemptGuard.Breach> check(long now) {
    try {
      return guard.check(group.refresh(), now);
    } catch (RuntimeException e) {
      LOG.warn("handler_check_failed pid={} error={}", pid(), e.toString());
      return Optional.empty();
    }
  }

  private Decision decide(Ending ending, int exitCode, String why) {
    return new Decision(ending, exitCode, clock.instant(), why);
  }

  /**
   * Seals the output (after letting an exited handler's last output arrive), stops what is left,
   * reads the tails. Bounded, and never throws.
   */
  private HandlerResult conclude(Decision d) {
    if (d.ending() == Ending.EXITED) {
      stdout.awaitDrained(DRAIN_WAIT);
      stderr.awaitDrained(DRAIN_WAIT);
    }
    stdout.seal();
    stderr.seal();
    HandlerGroup.StopReport stop = stopGroup();
    reapHandler();
    stdout.awaitEnd(PUMP_END_WAIT);
    stderr.awaitEnd(PUMP_END_WAIT);
    StringBuilder notes = new StringBuilder();
    String outTail = finishOutput(stdout, "stdout", notes);
    String errTail = finishOutput(stderr, "stderr", notes);

    Ending ending = d.ending();
    int exitCode = d.exitCode();
    String why = d.why();
    if (ending == Ending.EXITED && (exitCode == 126 || exitCode == 127)) {
      String launcherError = launcherError();
      if (!launcherError.isEmpty()) {
        ending = Ending.FAILED_TO_START;
        exitCode = -1;
        why = "cannot start: " + launcherError;
      }
    }
    if (ending == Ending.EXITED) {
      why += guard.exitNote(exitCode);
    }
    String detail = why + stopNote(d.ending(), stop) + notes;
    HandlerResult r = new HandlerResult(ending, exitCode, startedAt, d.at(), outTail, errTail,
        detail);
    LOG.debug("handler_finished pid={} ending={} exit_code={} duration={} detail=\"{}\"",
        pid(), ending, exitCode, r.duration().toMillis() + "ms", detail);
    return r;
  }

  /** Stops the handler's group; if {@code /proc} cannot be read, at least kills the group outright. */
  private HandlerGroup.StopReport stopGroup() {
    try {
      return group.stop(request.killGrace());
    } catch (RuntimeException e) {
      LOG.error("handler_tree_stop_failed pid={} error={}", pid(), e.toString());
      try {
        Signals.toGroup(pid(), Signal.KILL);
      } catch (RuntimeException again) {
        LOG.error("handler_group_kill_failed pid={} error={}", pid(), again.toString());
      }
      return HandlerGroup.StopReport.NOTHING;
    }
  }

  private void reapHandler() {
    boolean interrupted = false;
    long deadline = System.nanoTime() + REAP_WAIT.toNanos();
    while (process.isAlive() && System.nanoTime() - deadline < 0) {
      try {
        process.waitFor(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (process.isAlive()) {
      LOG.warn("handler_not_reaped pid={} waited={}", pid(), REAP_WAIT);
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }


  private String finishOutput(OutputPump file, String name, StringBuilder notes) {
    try {
      if (file.droppedBytes() > 0) {
        notes.append("; ").append(name).append(" trimmed, ").append(file.droppedBytes())
            .append(" earlier bytes dropped");
      }
      if (file.writeError() != null) {
        notes.append("; ").append(name).append(" could not be written: ").append(file.writeError().getMessage());
      }
      if (file.discardedBytes() > 0) {
        notes.append("; ").append(name).append(": ").append(file.discardedBytes())
            .append(" bytes written after the outcome discarded");
      }
      return file.tail(TAIL_BYTES);
    } catch (IOException | RuntimeException e) {
      LOG.warn("handler_output_unreadable pid={} file={} error={}", pid(), file.path(), e.toString());
      notes.append("; ").append(name).append(" unreadable: ").append(e.getMessage());
      return "";
    }
  }

  /**
   * The reason {@code setsid} gave for not executing the program (exit 126 or 127 with its message
   * first on stderr, e.g. for a script whose interpreter is missing), or "" when it did not fail.
   */
  private String launcherError() {
    try {
      String head = stderr.head(512);
      if (head.startsWith(LAUNCHER_PREFIX)) {
        int eol = head.indexOf('\n');
        return head.substring(LAUNCHER_PREFIX.length(), eol < 0 ? head.length() : eol);
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("handler_stderr_unreadable pid={} error={}", pid(), e.toString());
    }
    return "";
  }

  private String stopNote(Ending decided, HandlerGroup.StopReport stop) {
    if (stop.found() == 0) {
      return "";
    }
    String what = decided == Ending.EXITED ? " leftover process" : " process";
    StringBuilder s = new StringBuilder("; stopped ").append(stop.found()).append(what)
        .append(stop.found() == 1 ? "" : "es");
    if (stop.killed()) {
      s.append(" (SIGKILL after ").append(format(request.killGrace())).append(")");
    }
    if (stop.survivors() > 0) {
      s.append("; ").append(stop.survivors()).append(" survived SIGKILL");
    }
    return s.toString();
  }

  private Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  private static String format(Duration d) {
    return Durations.format(d);
  }
}
