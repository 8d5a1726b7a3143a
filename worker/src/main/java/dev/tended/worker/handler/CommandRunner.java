package dev.tended.worker.handler;

import dev.tended.config.Durations;
import dev.tended.config.ProgramCheck;
import dev.tended.ledger.HandlerRecord;
import dev.tended.logging.Kv;
import dev.tended.worker.handler.HandlerResult.Ending;
import java.io.IOException;
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
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@code command} handler for one attempt of one item (Linux only), so that the rest of the
 * worker deals in {@link HandlerRequest}s and {@link HandlerResult}s, not processes.
 *
 * <p>How an attempt runs:
 *
 * <ul>
 *   <li>The handler is started through {@code setsid}, so it leads its own process group (its pid
 *       is the group id) and the whole tree can be signalled even after the handler has exited. Its
 *       environment carries a marker ({@code TENDED_ATTEMPT_TOKEN}, random per attempt) that every
 *       process it starts inherits, and the worker is a child subreaper, so that what daemonizes is
 *       still found ({@link HandlerGroup}).
 *   <li>Stdin comes from a file; stdout and stderr are pipes, each read by an {@link OutputPump} on
 *       its own thread that keeps the file within {@code maxOutputBytes} at any write rate.
 *   <li>The outcome is decided when the handler exits, the timeout passes or the attempt is
 *       cancelled; the pumps are then sealed (output written later is discarded), and every process
 *       of the attempt gets SIGTERM, the kill grace, then is frozen and killed.
 *   <li>A start that fails for want of resources ({@code EAGAIN}: the process or memory limit
 *       reached, often by what a fork bomb left) is tried again with backoff before it counts.
 * </ul>
 *
 * <p>Thread-safe and stateless apart from the clock that stamps results.
 */
public final class CommandRunner implements HandlerStarter {
  private static final Logger LOG = LoggerFactory.getLogger(CommandRunner.class);
  private static final String SETSID = "setsid";
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
   * Starts one attempt. Never throws for a program that cannot run: the attempt then ends at once
   * as {@link Ending#FAILED_TO_START} with the reason in its detail.
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
    List<String> argv = new ArrayList<>(request.command().size() + 1);
    argv.add(SETSID);
    argv.addAll(request.command());
    String token = UUID.randomUUID().toString();
    ProcessBuilder builder = new ProcessBuilder(argv)
        .directory(request.workingDir().toFile())
        .redirectInput(Redirect.from(request.stdinFile().toFile()));
    builder.environment().putAll(request.environment());
    builder.environment().put(HandlerGroup.MARKER_VARIABLE, token);
    Duration backoff = FIRST_RETRY;
    for (int tries = 1; ; tries++) {
      try {
        return launch(request, builder, token, startedAt);
      } catch (IOException | IllegalArgumentException | UnsupportedOperationException e) {
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

  @Override
  public RunningHandler adopt(HandlerRequest request, HandlerRecord recorded) {
    throw new UnsupportedOperationException("issue 12: the waiter part builds adoption");
  }

  /** Opens the output files, starts the process and its two pumps; on a failure leaves nothing behind. */
  private Attempt launch(HandlerRequest request, ProcessBuilder builder, String token, Instant startedAt)
      throws IOException {
    FileChannel out = openOutput(request.stdoutFile());
    FileChannel err;
    try {
      err = openOutput(request.stderrFile());
    } catch (IOException e) {
      out.close();
      throw e;
    }
    Process process;
    long startNanos = System.nanoTime();
    try {
      process = launcher.start(builder);
    } catch (IOException | RuntimeException e) {
      out.close();
      err.close();
      throw e;
    }
    OutputPump stdout = new OutputPump(process.getInputStream(), out, request.stdoutFile(),
        request.maxOutputBytes());
    OutputPump stderr = new OutputPump(process.getErrorStream(), err, request.stderrFile(),
        request.maxOutputBytes());
    HandlerGroup group = new HandlerGroup(process.pid(), token);
    try {
      pumpThread(stdout, process.pid(), "stdout").start();
      pumpThread(stderr, process.pid(), "stderr").start();
    } catch (OutOfMemoryError e) { // "unable to create native thread": the same shortage as EAGAIN
      group.stop(Duration.ZERO);
      stdout.seal();
      stderr.seal();
      process.getInputStream().close();
      process.getErrorStream().close();
      throw new IOException(ResourceShortage.EAGAIN_MESSAGE + " (no thread for the output pump: "
          + e.getMessage() + ")", e);
    }
    LOG.debug("handler_started pid={} program={} timeout={}", process.pid(), Kv.q(request.command().get(0)),
        request.timeout());
    return new Attempt(process, request, clock, startedAt, startNanos, stdout, stderr, group);
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
