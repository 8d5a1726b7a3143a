package dev.tended.supervisor.reload;

import java.time.Instant;
import java.util.List;

/**
 * What the supervisor says about its last reload, in {@code dataDir/reload-state.json} (rewritten
 * atomically on each change): how {@code tended reload} learns the outcome of the SIGHUP it sent, and
 * how {@code health-diagnose} shows a refused reload until a later reload or start succeeds.
 *
 * @param generation grows by one with every reload the supervisor takes up and every start of a supervisor
 * @param outcome {@code started}, {@code reloading}, {@code done}, {@code refused} or {@code failed}
 * @param problems why it was refused or failed (each with its key's path), else empty
 * @param tookMs from the signal to the new worker's first heartbeat, when {@code done}
 * @param workerPid the new worker's pid, when {@code done}
 */
public record ReloadState(
    int schema,
    long generation,
    long supervisorPid,
    String outcome,
    String configFile,
    Instant requestedAt,
    Instant finishedAt,
    Long tookMs,
    Long workerPid,
    List<String> problems) {
  public static final int SCHEMA = 1;
  public static final String STARTED = "started";
  public static final String RELOADING = "reloading";
  public static final String DONE = "done";
  public static final String REFUSED = "refused";
  public static final String FAILED = "failed";

  public ReloadState {
    problems = problems == null ? List.of() : List.copyOf(problems);
  }

  /** Whether the reload has come to an end ({@code tended reload} waits for that). */
  public boolean settled() {
    return !RELOADING.equals(outcome);
  }
}
