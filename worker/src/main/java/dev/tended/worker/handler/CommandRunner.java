package dev.tended.worker.handler;

import dev.tended.config.ProgramCheck;
import dev.tended.logging.Kv;
import dev.tended.worker.handler.HandlerResult.Ending;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
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
 *       is the group id) and the whole tree can be signalled even after the handler has exited.
 *   <li>Stdin comes from a file and stdout/stderr go to files in append mode, never to pipes: a
 *       handler that ignores stdin, or a child that keeps stdout open, cannot hold the attempt up.
 *   <li>The outcome is decided when the handler exits, the timeout passes or the attempt is
 *       cancelled. Then every process left in the group, or seen descending from the handler, gets
 *       SIGTERM, the kill grace, SIGKILL; output written after the decision is cut from the files.
 *   <li>Each output file is kept to about {@code maxOutputBytes} while the handler runs (its end is
 *       kept) and to at most that once the attempt is over.
 * </ul>
 *
 * <p>A process that leaves the group and is orphaned between two looks at {@code /proc} (a quick
 * double fork with {@code setsid}) escapes; under systemd the service's cgroup still catches it.
 *
 * <p>Thread-safe and stateless apart from the clock that stamps results.
 */
public final class CommandRunner implements HandlerStarter {
  private static final Logger LOG = LoggerFactory.getLogger(CommandRunner.class);
  private static final String SETSID = "setsid";

  private final Clock clock;

  /** A runner that stamps results with the system clock in UTC. */
  public CommandRunner() {
    this(Clock.systemUTC());
  }

  /** A runner that stamps results with {@code clock} (timeouts use the monotonic clock). */
  public CommandRunner(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
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
    OutputFile stdout = new OutputFile(request.stdoutFile(), request.maxOutputBytes());
    OutputFile stderr = new OutputFile(request.stderrFile(), request.maxOutputBytes());
    try {
      stdout.reset();
      stderr.reset();
    } catch (IOException e) {
      return notStarted(startedAt, "cannot prepare output files: " + e);
    }
    List<String> argv = new ArrayList<>(request.command().size() + 1);
    argv.add(SETSID);
    argv.addAll(request.command());
    Process process;
    long startNanos = System.nanoTime();
    try {
      ProcessBuilder builder = new ProcessBuilder(argv)
          .directory(request.workingDir().toFile())
          .redirectInput(Redirect.from(request.stdinFile().toFile()))
          .redirectOutput(Redirect.appendTo(request.stdoutFile().toFile()))
          .redirectError(Redirect.appendTo(request.stderrFile().toFile()));
      builder.environment().putAll(request.environment());
      process = builder.start();
    } catch (IOException e) {
      // "error=7, Argument list too long": the item's id (in the environment) is too big for exec
      Ending ending = String.valueOf(e.getMessage()).contains("error=7,") ? Ending.ITEM_NOT_PASSABLE
          : Ending.FAILED_TO_START;
      return notStarted(ending, startedAt, String.valueOf(e.getMessage()));
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      return notStarted(startedAt, String.valueOf(e.getMessage()));
    }
    LOG.debug("handler_started pid={} program={} timeout={}", process.pid(), Kv.q(program),
        request.timeout());
    return new Attempt(process, request, clock, startedAt, startNanos, stdout, stderr);
  }

  private NotStarted notStarted(Instant startedAt, String reason) {
    return notStarted(Ending.FAILED_TO_START, startedAt, reason);
  }

  private NotStarted notStarted(Ending ending, Instant startedAt, String reason) {
    LOG.warn("handler_not_started reason={} item_fault={}", Kv.q(reason), ending == Ending.ITEM_NOT_PASSABLE);
    return new NotStarted(new HandlerResult(ending, -1, startedAt, clock.instant(), "", "", "cannot start: " + reason));
  }
}
