package dev.tended.worker.handler;

import dev.tended.config.Durations;
import dev.tended.config.ProgramCheck;
import dev.tended.ledger.HandlerRecord;
import dev.tended.logging.Kv;
import dev.tended.posix.BootId;
import dev.tended.posix.Fifo;
import dev.tended.posix.ProcFs;
import dev.tended.posix.ProcStat;
import dev.tended.worker.handler.HandlerResult.Ending;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.lang.ProcessBuilder.Redirect;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@code command} handler for one attempt of one item (Linux only), so that the rest of the
 * worker deals in {@link HandlerRequest}s and {@link HandlerResult}s, not processes.
 *
 * <p>How an attempt runs:
 *
 * <ul>
 *   <li>The handler runs under a waiter ({@link WaiterScript}), which leads its own session and
 *       outlives the worker: it records the handler's exit status in the attempt's exit file and
 *       holds the read ends of its pipes ({@link AttemptFiles}). The handler leads its own session
 *       and process group (its pid is the group id), so the whole tree can be signalled even after
 *       it exited. Its environment carries the attempt's marker ({@code TENDED_ATTEMPT_TOKEN}, the
 *       request's token) that every process it starts inherits, and the worker is a child subreaper,
 *       so that what daemonizes is still found ({@link HandlerGroup}).
 *   <li>Stdin comes from a file; stdout and stderr are FIFOs, each read by an {@link OutputPump} on
 *       its own thread that keeps the file within {@code maxOutputBytes} at any write rate.
 *   <li>The outcome is decided when the waiter records the exit, the timeout passes (counted from
 *       the handler's real start), the attempt is cancelled, or handler and waiter are gone without a
 *       record (interrupted); the pumps are then sealed (output written later is discarded), every
 *       process of the attempt gets SIGTERM, the kill grace, then is frozen and killed, and the
 *       waiter is released.
 *   <li>{@link RunningHandler#detach} lets go of a running attempt without a signal; {@link #adopt}
 *       takes it over in another worker, {@link #find} finds its processes by its token.
 *   <li>A start that fails for want of resources ({@code EAGAIN}: the process or memory limit
 *       reached, often by what a fork bomb left) is tried again with backoff before it counts.
 * </ul>
 *
 * <p>Thread-safe and stateless apart from the clock that stamps results.
 */
public final class CommandRunner implements HandlerStarter {
  private static final Logger LOG = LoggerFactory.getLogger(CommandRunner.class);
  /** The pipe size the pumps ask for: room for a burst while no worker reads (the default is 64 KiB). */
  private static final int PIPE_BYTES = 1 << 20;
  /** Backoff between starts that failed for want of resources: 50 ms doubling, about 6 s in all. */
  private static final Duration FIRST_RETRY = Duration.ofMillis(50);
  private static final Duration LAST_RETRY = Duration.ofMillis(1600);
  private static final int START_TRIES = 8;

  /** How a process is started; the tests' one fails on purpose. */
  @FunctionalInterface
  interface Launcher {
    Process start(ProcessBuilder builder) throws IOException;
  }

  private final Clock clock;
  private final Launcher launcher;

  /** A runner that stamps results with the system clock in UTC. */
  public CommandRunner() {
    this(Clock.systemUTC());
  }

  /** A runner that stamps results with {@code clock} (timeouts use the monotonic clock). */
  public CommandRunner(Clock clock) {
    this(clock, ProcessBuilder::start);
  }

  CommandRunner(Clock clock, Launcher launcher) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.launcher = Objects.requireNonNull(launcher, "launcher");
    Orphans.adopt();
  }

  /**
   * Starts one attempt under its waiter. Never throws for a program that cannot run: the attempt then
   * ends at once as {@link Ending#FAILED_TO_START} with the reason in its detail.
   */
  @Override
  public RunningHandler start(HandlerRequest request) {
    Objects.requireNonNull(request, "request");
    Instant startedAt = clock.instant();
    String program = request.command().get(0);
    Optional<String> problem = ProgramCheck.problem(program, request.workingDir(),
        ProgramCheck.effectivePath(request.environment()));
    if (problem.isPresent()) {
      return notStarted(startedAt, problem.get());
    }
    AttemptFiles files = AttemptFiles.of(request);
    ProcessBuilder builder = new ProcessBuilder(WaiterScript.argv(request.command(), files))
        .directory(request.workingDir().toFile())
        .redirectInput(Redirect.from(request.stdinFile().toFile()))
        .redirectErrorStream(true);
    builder.environment().putAll(request.environment());
    builder.environment().remove(HandlerGroup.MARKER_VARIABLE);
    builder.environment().put(WaiterScript.WAITER_VARIABLE, request.token());
    Duration backoff = FIRST_RETRY;
    for (int tries = 1; ; tries++) {
      try {
        return launch(request, files, builder, startedAt);
      } catch (IOException | IllegalArgumentException | UnsupportedOperationException e) {
        files.remove();
        if (e instanceof IOException && String.valueOf(e.getMessage()).contains("error=7,")) {
          // "error=7, Argument list too long": the item's id (in the environment) is too big for exec
          return notStarted(Ending.ITEM_NOT_PASSABLE, startedAt, String.valueOf(e.getMessage()));
        }
        if (!ResourceShortage.is(e) || tries >= START_TRIES) {
          return notStarted(startedAt, String.valueOf(e.getMessage()));
        }
        LOG.warn("handler_start_retried program={} try={} backoff={} reason={}", Kv.q(program), tries,
            Durations.format(backoff), Kv.q(String.valueOf(e.getMessage())));
        if (!sleep(backoff)) {
          return notStarted(startedAt, "interrupted while waiting to start again: " + e.getMessage());
        }
        backoff = backoff.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : backoff.multipliedBy(2);
      }
    }
  }

  /**
   * Takes over an attempt another worker started: checks the boot and the start ticks (a reused pid is
   * never taken for the handler, and is never signalled), then watches, pumps and times it as if it had
   * never been left. An exit status the waiter recorded while no worker ran is collected; a handler
   * gone without one ends {@link Ending#INTERRUPTED} at once.
   */
  @Override
  public RunningHandler adopt(HandlerRequest request, HandlerRecord recorded) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(recorded, "recorded");
    AttemptFiles files = AttemptFiles.of(request);
    HandlerProcesses processes = new HandlerProcesses(recorded.waiterPid(), recorded.waiterStartTicks(),
        recorded.handlerPid(), recorded.handlerStartTicks(), recorded.bootId(), recorded.startedAt());
    boolean sameBoot = recorded.bootId().equals(BootId.current());
    boolean alive = sameBoot && (Attempt.runs(recorded.waiterPid(), recorded.waiterStartTicks())
        || Attempt.runs(recorded.handlerPid(), recorded.handlerStartTicks()));
    boolean exitRecorded = files.recordedExit().isPresent();
    if (!alive && !exitRecorded) {
      String why = !sameBoot ? "its worker's boot ended (boot " + recorded.bootId() + ")"
          : "the handler and its waiter are gone and no exit status was recorded";
      LOG.info("handler_adopt_interrupted seq={} pid={} waiter_pid={} reason={}", recorded.seq(),
          recorded.handlerPid(), recorded.waiterPid(), Kv.q(why));
      files.remove();
      return new NotStarted(new HandlerResult(Ending.INTERRUPTED, -1, recorded.startedAt(),
          clock.instant(), "", "", "interrupted: " + why));
    }
    try {
      OutputPump out = resumedPump(files.stdoutFifo(), request.stdoutFile(), request.maxOutputBytes());
      OutputPump err = resumedPump(files.stderrFifo(), request.stderrFile(), request.maxOutputBytes());
      Attempt attempt = new Attempt(null, alive ? processes : unverified(processes), files, request, clock,
          out, err);
      startPumps(out, err, recorded.handlerPid());
      LOG.info("handler_adopted seq={} pid={} waiter_pid={} started_at={} exit_recorded={}", recorded.seq(),
          recorded.handlerPid(), recorded.waiterPid(), recorded.startedAt(), exitRecorded);
      return attempt;
    } catch (IOException | RuntimeException e) {
      // Its pipes or output cannot be reopened: the attempt cannot be followed, so it cannot be finished.
      LOG.warn("handler_adopt_failed seq={} pid={} error={}", recorded.seq(), recorded.handlerPid(), Kv.q(e.toString()));
      return new NotStarted(new HandlerResult(Ending.INTERRUPTED, -1, recorded.startedAt(), clock.instant(), "", "",
          "interrupted: its output cannot be reopened: " + e.getMessage()));
    }
  }

  /** With an exit status recorded but nothing alive, no pid of the record may be signalled. */
  private static HandlerProcesses unverified(HandlerProcesses p) {
    return new HandlerProcesses(-1, p.waiterStartTicks(), -1, p.handlerStartTicks(), p.bootId(), p.startedAt());
  }

  /**
   * The processes of the attempt whose token is {@code token}, found in {@code /proc}: for a worker
   * that died between starting an attempt and recording it. Empty when no process of the attempt
   * runs; a pid not found (the handler ended, the waiter was killed) is -1 with start ticks -1. Reads
   * the environment of every process: once per such attempt.
   *
   * <p>The waiter is the process carrying {@code TENDED_WAITER=<token>} that leads its own group. The
   * handler is the waiter's child carrying either variable: until it has become its own session
   * leader it is the waiter's forked subshell (still with the waiter's variable) or {@code setsid}
   * (with the marker, still in the waiter's group), and its pid and start ticks are already the
   * handler's (the forked subshell has the waiter's name; a child by another name with the waiter's
   * variable is the waiter recording the exit). Without a waiter, the handler is the earliest process with the marker that leads its
   * own group (a daemon it left leads one too, but started later).
   */
  public Optional<HandlerProcesses> find(String token) {
    Objects.requireNonNull(token, "token");
    String waiterEntry = WaiterScript.WAITER_VARIABLE + "=" + token;
    String handlerEntry = HandlerGroup.MARKER_VARIABLE + "=" + token;
    long self = ProcessHandle.current().pid();
    List<ProcStat> carriers = new ArrayList<>();
    List<Boolean> carriesWaiterEntry = new ArrayList<>();
    for (ProcStat p : ProcFs.table().all()) {
      if (!p.running() || p.pid() == self) {
        continue;
      }
      Optional<Boolean> waiterOne = ProcFs.environmentHolds(p.pid(), waiterEntry);
      if (waiterOne.orElse(false) || ProcFs.environmentHolds(p.pid(), handlerEntry).orElse(false)) {
        carriers.add(p);
        carriesWaiterEntry.add(waiterOne.orElse(false));
      }
    }
    ProcStat waiter = null;
    for (int i = 0; i < carriers.size(); i++) {
      ProcStat p = carriers.get(i);
      if (carriesWaiterEntry.get(i) && p.pgrp() == p.pid() && (waiter == null || p.startTicks() < waiter.startTicks())) {
        waiter = p;
      }
    }
    ProcStat handler = null;
    for (int i = 0; i < carriers.size(); i++) {
      ProcStat p = carriers.get(i);
      // A child with the waiter's variable and another name is the waiter's mv, after the handler ended.
      boolean candidate = waiter != null
          ? p.ppid() == waiter.pid() && (!carriesWaiterEntry.get(i) || p.comm().equals(waiter.comm()))
          : !carriesWaiterEntry.get(i) && p.pgrp() == p.pid();
      if (candidate && (handler == null || p.startTicks() < handler.startTicks())) {
        handler = p;
      }
    }
    if (waiter == null && handler == null) {
      return Optional.empty();
    }
    ProcStat first = handler != null ? handler : waiter;
    Instant startedAt = clock.instant().minus(ProcFs.age(first.startTicks()));
    return Optional.of(new HandlerProcesses(waiter == null ? -1 : waiter.pid(), waiter == null ? -1 : waiter.startTicks(),
        handler == null ? -1 : handler.pid(), handler == null ? -1 : handler.startTicks(), BootId.current(), startedAt));
  }

  /**
   * Prepares the attempt's files, starts the waiter, reads the handler's pid from it and starts the two
   * pumps; on a failure leaves nothing behind.
   */
  private RunningHandler launch(HandlerRequest request, AttemptFiles files, ProcessBuilder builder,
      Instant startedAt) throws IOException {
    try {
      files.prepare();
    } catch (IOException e) {
      throw new IOException("cannot prepare the attempt's pipes: " + e.getMessage(), e);
    }
    FileChannel out = openOutput(request.stdoutFile());
    FileChannel err;
    try {
      err = openOutput(request.stderrFile());
    } catch (IOException e) {
      out.close();
      throw e;
    }
    Process waiter;
    try {
      waiter = launcher.start(builder);
    } catch (IOException | RuntimeException e) {
      out.close();
      err.close();
      throw e;
    }
    String answer = readAnswer(waiter);
    long handlerPid;
    try {
      handlerPid = Long.parseLong(answer.strip());
    } catch (NumberFormatException e) {
      out.close();
      err.close();
      waitQuietly(waiter);
      files.remove();
      String reason = answer.isBlank() ? "its waiter exited with " + exitValue(waiter) : answer.strip();
      return notStarted(startedAt, "the waiter could not run it: " + reason);
    }
    long waiterTicks = ProcFs.stat(waiter.pid()).map(ProcStat::startTicks).orElse(-1L);
    long handlerTicks = ProcFs.stat(handlerPid).map(ProcStat::startTicks).orElse(-1L);
    HandlerProcesses processes = new HandlerProcesses(waiter.pid(), waiterTicks, handlerPid, handlerTicks,
        BootId.current(), startedAt);
    OutputPump stdout;
    OutputPump stderr;
    try {
      stdout = new OutputPump(Fifo.openForReading(files.stdoutFifo(), PIPE_BYTES), out, request.stdoutFile(),
          request.maxOutputBytes());
      stderr = new OutputPump(Fifo.openForReading(files.stderrFifo(), PIPE_BYTES), err, request.stderrFile(),
          request.maxOutputBytes());
    } catch (IOException e) {
      out.close();
      err.close();
      throw new IOException("cannot open the attempt's pipes: " + e.getMessage(), e);
    }
    Attempt attempt = new Attempt(waiter, processes, files, request, clock, stdout, stderr);
    try {
      startPumps(stdout, stderr, handlerPid);
    } catch (IOException e) {
      attempt.cancel();
      throw e;
    }
    LOG.debug("handler_started pid={} waiter_pid={} program={} timeout={}", handlerPid, waiter.pid(),
        Kv.q(request.command().get(0)), request.timeout());
    return attempt;
  }

  /** The waiter's one line (the handler's pid), or what it said before it failed; its stdout then ends. */
  private static String readAnswer(Process waiter) throws IOException {
    StringBuilder s = new StringBuilder();
    InputStream in = waiter.getInputStream();
    int c;
    while ((c = in.read()) >= 0 && c != '\n' && s.length() < 4096) {
      s.append((char) c);
    }
    if (c != '\n') {
      s.append(new String(in.readNBytes(4096), StandardCharsets.UTF_8));
    }
    in.close();
    waiter.getOutputStream().close();
    return s.toString();
  }

  private static void waitQuietly(Process p) {
    try {
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String exitValue(Process p) {
    return p.isAlive() ? "nothing" : Integer.toString(p.exitValue());
  }

  private static OutputPump resumedPump(Path fifo, Path file, long maxBytes) throws IOException {
    FileChannel ch = OutputPump.openExisting(file);
    try {
      return new OutputPump(Fifo.openForReading(fifo, PIPE_BYTES), ch, file, maxBytes);
    } catch (IOException e) {
      ch.close();
      throw e;
    }
  }

  private static void startPumps(OutputPump stdout, OutputPump stderr, long pid) throws IOException {
    try {
      pumpThread(stdout, pid, "stdout").start();
      pumpThread(stderr, pid, "stderr").start();
    } catch (OutOfMemoryError e) { // "unable to create native thread": the same shortage as EAGAIN
      stdout.detach(Duration.ofSeconds(1));
      stderr.detach(Duration.ofSeconds(1));
      throw new IOException(ResourceShortage.EAGAIN_MESSAGE + " (no thread for the output pump: "
          + e.getMessage() + ")", e);
    }
  }

  private static FileChannel openOutput(Path file) throws IOException {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      return OutputPump.open(file);
    } catch (IOException e) {
      throw new IOException("cannot prepare output files: " + e, e);
    }
  }

  private static Thread pumpThread(OutputPump pump, long pid, String stream) {
    Thread t = new Thread(pump, "handler-output-" + pid + "-" + stream);
    t.setDaemon(true);
    return t;
  }

  private static boolean sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private NotStarted notStarted(Instant startedAt, String reason) {
    return notStarted(Ending.FAILED_TO_START, startedAt, reason);
  }

  private NotStarted notStarted(Ending ending, Instant startedAt, String reason) {
    LOG.warn("handler_not_started reason={} item_fault={}", Kv.q(reason), ending == Ending.ITEM_NOT_PASSABLE);
    return new NotStarted(new HandlerResult(ending, -1, startedAt, clock.instant(), "", "", "cannot start: " + reason));
  }
}
