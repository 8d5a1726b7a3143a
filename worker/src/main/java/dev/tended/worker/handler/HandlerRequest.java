package dev.tended.worker.handler;

import dev.tended.config.HandlerLimits;
import dev.tended.logging.Kv;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Everything needed to run one attempt of one item through a {@code command} handler, validated once
 * here so that {@link CommandRunner} never has to guess. The runner knows nothing of queues or items:
 * the caller turns an item into this request (its JSON in {@code stdinFile}, the {@code TENDED_*}
 * variables in {@code environment}, per-attempt output files in the item's work folder).
 *
 * @param command argv of the handler; the first element is the program, looked up on the
 *     {@code PATH} of the handler's environment when it has no slash, else resolved against
 *     {@code workingDir}
 * @param environment variables added to (and overriding) the daemon's own environment, e.g.
 *     {@code TENDED_SOURCE}, {@code TENDED_ITEM_ID}, {@code TENDED_ATTEMPT},
 *     {@code TENDED_IDEMPOTENCY_KEY}, {@code TENDED_WORK_DIR}
 * @param workingDir the handler's current directory (the data folder)
 * @param stdinFile the file the handler reads as stdin (the item's JSON); must exist
 * @param stdoutFile where the handler's stdout is kept; emptied when the attempt starts
 * @param stderrFile where the handler's stderr is kept; emptied when the attempt starts; must differ
 *     from {@code stdoutFile}
 * @param timeout the longest the attempt may run before its process tree is stopped
 * @param killGrace time between SIGTERM and SIGKILL whenever processes of the attempt are stopped
 * @param maxOutputBytes the most of stdout and of stderr kept on disk, each
 * @param token the attempt's marker, {@code TENDED_ATTEMPT_TOKEN} in the handler's environment, as the
 *     ledger's claim recorded it: it finds the attempt's processes, even those started before the
 *     worker could record them
 * @param progressFile the file the handler may touch to show progress ({@code TENDED_PROGRESS_FILE});
 *     null when it gets none
 * @param progressTimeout how long the handler may go without touching {@code progressFile} or writing
 *     output before it is stopped; zero = off
 * @param limits what the handler's process tree may use
 */
public record HandlerRequest(
    List<String> command,
    Map<String, String> environment,
    Path workingDir,
    Path stdinFile,
    Path stdoutFile,
    Path stderrFile,
    Duration timeout,
    Duration killGrace,
    long maxOutputBytes,
    String token,
    Path progressFile,
    Duration progressTimeout,
    HandlerLimits limits) {

  /** A request with a fresh token, no progress file, no progress timeout and no limits. */
  public HandlerRequest(List<String> command, Map<String, String> environment, Path workingDir, Path stdinFile,
      Path stdoutFile, Path stderrFile, Duration timeout, Duration killGrace, long maxOutputBytes) {
    this(command, environment, workingDir, stdinFile, stdoutFile, stderrFile, timeout, killGrace, maxOutputBytes,
        UUID.randomUUID().toString(), null, Duration.ZERO, HandlerLimits.NONE);
  }

  public HandlerRequest {
    command = List.copyOf(Objects.requireNonNull(command, "command"));
    environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
    Objects.requireNonNull(workingDir, "workingDir");
    Objects.requireNonNull(stdinFile, "stdinFile");
    Objects.requireNonNull(stdoutFile, "stdoutFile");
    Objects.requireNonNull(stderrFile, "stderrFile");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(killGrace, "killGrace");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(progressTimeout, "progressTimeout");
    Objects.requireNonNull(limits, "limits");
    if (command.isEmpty() || command.get(0).isEmpty()) {
      throw new IllegalArgumentException("command: must name a program, got " + command);
    }
    checkEnvironment(environment);
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout: must be positive, got " + timeout);
    }
    if (killGrace.isNegative()) {
      throw new IllegalArgumentException("killGrace: must not be negative, got " + killGrace);
    }
    if (maxOutputBytes <= 0) {
      throw new IllegalArgumentException("maxOutputBytes: must be positive, got " + maxOutputBytes);
    }
    if (stdoutFile.toAbsolutePath().normalize().equals(stderrFile.toAbsolutePath().normalize())) {
      throw new IllegalArgumentException(
          "stdoutFile and stderrFile: must differ, both are " + stdoutFile);
    }
  }

  /** Variables the operating system cannot carry would make {@link ProcessBuilder} throw later; all are named. */
  private static void checkEnvironment(Map<String, String> environment) {
    for (String name : environment.keySet()) {
      if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("environment: " + Kv.q(name) + " is not a valid variable name");
      }
    }
    List<String> withNul = environment.entrySet().stream().filter(e -> e.getValue().indexOf('\0') >= 0)
        .map(Map.Entry::getKey).sorted().toList();
    if (!withNul.isEmpty()) {
      throw new IllegalArgumentException("environment: " + String.join(", ", withNul)
          + (withNul.size() == 1 ? " contains" : " contain") + " a NUL character, which a process environment cannot hold");
    }
  }
}
