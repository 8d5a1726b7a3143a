package dev.tended.worker.handler;

import dev.tended.config.Durations;
import dev.tended.posix.ProcFs;
import dev.tended.posix.Signal;
import dev.tended.posix.Signals;
import dev.tended.posix.Subreaper;
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
 * One handler running under its waiter, and everything that happens to it until its result exists:
 * the timeout (counted from the handler's real start, its start ticks against the boot clock, so a
 * worker that adopts it enforces the same deadline), a cancel, a detach, then sealing its output,
 * stopping whatever it left running and releasing the waiter.
 *
 * <p>The handler is watched through {@code /proc} (pid and start ticks) and the exit file its waiter
 * writes; the waiter through {@code /proc} too, and through {@link Process} when this worker started
 * it. Outcome: an exit file → EXITED with its code (ended at the file's mtime); handler and waiter
 * gone without one → INTERRUPTED; the timeout or a cancel → the tree is stopped.
 *
 * <p>All of that runs in the thread that calls {@link #awaitResult()}; the only other threads are the
 * two {@link OutputPump}s, which own the output files until they are sealed or detached.
 * {@link #cancel()} and {@link #detach()} only set flags that the waiting thread reads, so the process
 * tree has one owner.
 */
final class Attempt implements RunningHandler {
  static final int TAIL_BYTES = 4096;

  private static final Logger LOG = LoggerFactory.getLogger(Attempt.class);
  private static final long SLICE_NANOS = Duration.ofMillis(50).toNanos();
  private static final long FIRST_SLICE_NANOS = Duration.ofMillis(2).toNanos();
  private static final Duration REAP_WAIT = Duration.ofSeconds(2);
  /** How long the output written before the decision may take to reach the files before they are sealed. */
  private static final Duration DRAIN_WAIT = Duration.ofSeconds(2);
  /** How long the pumps may take to see the end of the pipes once the tree is stopped. */
  private static final Duration PUMP_END_WAIT = Duration.ofSeconds(1);
  /** How long a detached pump may take to stop reading. */
  private static final Duration DETACH_WAIT = Duration.ofSeconds(1);
  /** How setsid's own messages start; the rest of the message may be translated. */
  private static final String LAUNCHER_PREFIX = "setsid: ";

  private final Process waiter; // null when another worker started it
  private final HandlerProcesses processes;
  private final AttemptFiles files;
  private final HandlerRequest request;
  private final Clock clock;
  private final long deadlineNanos;
  private final OutputPump stdout;
  private final OutputPump stderr;
  private final HandlerGroup group;
  private final AttemptGuard guard;
  private volatile boolean cancelRequested;
  private volatile boolean detachRequested;
  private HandlerResult result; // guarded by this

  /** The moment the outcome was fixed. */
  private record Decision(Ending ending, int exitCode, Instant at, String why) {}

  /**
   * @param waiter the waiter as this worker started it, or null for an adopted one
   * @param processes the waiter and the handler, as checked by the caller
   */
  Attempt(Process waiter, HandlerProcesses processes, AttemptFiles files, HandlerRequest request, Clock clock,
      OutputPump stdout, OutputPump stderr) {
    this.waiter = waiter;
    this.processes = processes;
    this.files = files;
    this.request = request;
    this.clock = clock;
    Duration age = processes.handlerStartTicks() >= 0 ? ProcFs.age(processes.handlerStartTicks())
        : Duration.between(processes.startedAt(), clock.instant());
    this.deadlineNanos = System.nanoTime() + request.timeout().minus(age).toNanos();
    this.stdout = stdout;
    this.stderr = stderr;
    this.group = new HandlerGroup(processes.handlerPid(), request.token(), Math.max(0, processes.handlerStartTicks()));
    // The progress clock starts now: at the start, or at the adoption of a handler that ran on without a worker.
    this.guard = new AttemptGuard(processes.handlerPid(), request, () -> stdout.received() + stderr.received(),
        System.nanoTime());
  }

  @Override
  public long pid() {
    return processes.handlerPid();
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
    return Optional.of(processes);
  }

  @Override
  public void outcomeRecorded() {
    files.remove();
  }

  @Override
  public void detach() {
    if (!detachRequested) {
      detachRequested = true;
      LOG.debug("handler_detach_requested pid={}", pid());
    }
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
    result = decision == null ? detached() : conclude(decision);
    return result;
  }

  /**
   * Waits until the waiter records the handler's exit, both are gone, the timeout passes, or a cancel
   * or a detach arrives (then null), checking as it goes.
   */
  private Decision watch() throws InterruptedException {
    long nextCheck = System.nanoTime();
    long slice = FIRST_SLICE_NANOS;
    boolean outputEnded = false;
    while (true) {
      if (detachRequested) {
        return null;
      }
      if (cancelRequested) {
        return decide(Ending.CANCELLED, -1, "cancelled after " + format(elapsed()));
      }
      Optional<AttemptFiles.RecordedExit> exit = files.recordedExit();
      if (exit.isPresent()) {
        return exited(exit.get());
      }
      long now = System.nanoTime();
      if (now - deadlineNanos >= 0) {
        return decide(Ending.TIMED_OUT, -1, "timed out after " + format(request.timeout()));
      }
      if (!handlerRuns() && !waiterRuns()) {
        return files.recordedExit().map(this::exited).orElseGet(() -> decide(Ending.INTERRUPTED, -1,
            "interrupted: the handler and its waiter are gone and no exit status was recorded"));
      }
      if (now - nextCheck >= 0) {
        Optional<AttemptGuard.Breach> breach = check(now);
        if (breach.isPresent()) {
          return decide(breach.get().ending(), -1, breach.get().why());
        }
        nextCheck = now + guard.checkEveryNanos();
      }
      long wait = Math.min(slice, Math.max(1, deadlineNanos - now));
      slice = Math.min(SLICE_NANOS, slice * 2);
      if (!outputEnded) {
        // Most handlers close their output as they exit: then the exit file follows within moments.
        outputEnded = stdout.awaitEnd(Duration.ofNanos(wait))
            && stderr.awaitEnd(Duration.ofNanos(Math.max(1, wait - (System.nanoTime() - now))));
        if (outputEnded) {
          slice = FIRST_SLICE_NANOS;
        }
        if (Thread.interrupted()) { // the pumps' wait keeps an interrupt; the watch answers it
          throw new InterruptedException("interrupted while waiting for the handler");
        }
      } else if (waiter != null) {
        waiter.waitFor(wait, TimeUnit.NANOSECONDS);
      } else {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
    }
  }

  private Decision exited(AttemptFiles.RecordedExit exit) {
    return new Decision(Ending.EXITED, exit.code(), exit.at(), "exited with code " + exit.code());
  }

  private boolean handlerRuns() {
    return runs(processes.handlerPid(), processes.handlerStartTicks());
  }

  private boolean waiterRuns() {
    return runs(processes.waiterPid(), processes.waiterStartTicks());
  }

  /** Whether {@code pid} is the process that started at {@code startTicks} and has not ended. */
  static boolean runs(long pid, long startTicks) {
    return pid > 0 && ProcFs.stat(pid).filter(p -> p.running() && p.startTicks() == startTicks).isPresent();
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
   * Seals the output (after letting what was written before the decision arrive), stops what is left,
   * reads the tails. Bounded, and never throws.
   */
  private HandlerResult conclude(Decision d) {
    // Whatever the decision, what was written before it is kept; what comes after is not.
    stdout.awaitDrained(DRAIN_WAIT);
    stderr.awaitDrained(DRAIN_WAIT);
    stdout.seal();
    stderr.seal();
    HandlerGroup.StopReport stop = stopGroup();
    if (stop.survivors() == 0) {
      stdout.noMoreWriters();
      stderr.noMoreWriters();
    }
    stdout.awaitEnd(PUMP_END_WAIT);
    stderr.awaitEnd(PUMP_END_WAIT);
    releaseWaiter();
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
    // The FIFOs and the exit status stay until the outcome is recorded: outcomeRecorded().
    Instant at = d.at().isBefore(processes.startedAt()) ? processes.startedAt() : d.at();
    HandlerResult r = new HandlerResult(ending, exitCode, processes.startedAt(), at, outTail, errTail,
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

  /** Kills the waiter (if it is still the recorded process) and reaps it when it is this worker's child. */
  private void releaseWaiter() {
    long pid = processes.waiterPid();
    if (waiterRuns()) {
      try {
        Signals.toProcess(pid, Signal.KILL);
      } catch (RuntimeException e) {
        LOG.warn("handler_waiter_kill_failed pid={} error={}", pid, e.toString());
      }
    }
    if (waiter != null) {
      boolean interrupted = false;
      long deadline = System.nanoTime() + REAP_WAIT.toNanos();
      while (waiter.isAlive() && System.nanoTime() - deadline < 0) {
        try {
          waiter.waitFor(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (waiter.isAlive()) {
        LOG.warn("handler_waiter_not_reaped pid={} waited={}", pid, REAP_WAIT);
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    } else if (pid > 0 && ProcFs.stat(pid).filter(p -> p.ppid() == ProcessHandle.current().pid()
        && p.startTicks() == processes.waiterStartTicks()).isPresent()) {
      Subreaper.awaitAndReap(pid); // an adopted waiter re-parented to this worker, killed above
    }
  }

  /** Lets go of a running attempt: the pumps stop reading, nothing is signalled, the files stay. */
  private HandlerResult detached() {
    boolean out = stdout.detach(DETACH_WAIT);
    boolean err = stderr.detach(DETACH_WAIT);
    if (!out || !err) {
      LOG.warn("handler_pump_not_detached pid={} waited={}", pid(), DETACH_WAIT);
    }
    LOG.info("handler_detached pid={} waiter_pid={} elapsed={}", pid(), processes.waiterPid(),
        format(elapsed()));
    return new HandlerResult(Ending.DETACHED, -1, processes.startedAt(), clock.instant(), "", "",
        "detached after " + format(elapsed()) + ": left running for the next worker");
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
    return Duration.between(processes.startedAt(), clock.instant());
  }

  private static String format(Duration d) {
    return Durations.format(d);
  }
}
