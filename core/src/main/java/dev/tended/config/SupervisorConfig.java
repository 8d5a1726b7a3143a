package dev.tended.config;

import java.time.Duration;
import java.util.List;

/**
 * How the supervisor judges the worker and restarts it.
 *
 * @param staleAfter a heartbeat sequence that has not advanced for this long means a stalled worker
 * @param startupGrace how long a (re)started worker has for its first heartbeat
 * @param stopGrace SIGTERM, then this long, then SIGKILL of the whole tree; the worker also finishes
 *     or hands back its running items within it
 * @param restartBackoffInitial the first delay before restarting a crashed worker
 * @param restartBackoffMax the cap of the doubling restart delay
 * @param workerCommand child mode: argv that starts the worker; empty means the same JVM's java
 *     running the tended-worker.jar found beside the supervisor's jar
 * @param stallRecordsKept how many {@code diagnostics/stall-*.txt} records are kept
 * @param restartBackoffResetAfter a worker that has been beating this long without a stall or crash
 *     brings the restart delay back to {@code restartBackoffInitial} (key {@code restartBackoff.resetAfter})
 * @param watchOkEvery how often the supervisor logs its {@code watch_ok} summary, so that a silent
 *     supervisor never looks the same as a healthy worker
 */
public record SupervisorConfig(
    Duration staleAfter,
    Duration startupGrace,
    Duration stopGrace,
    Duration restartBackoffInitial,
    Duration restartBackoffMax,
    RestartMode restartWith,
    List<String> workerCommand,
    String workerUnit,
    int stallRecordsKept,
    Duration restartBackoffResetAfter,
    Duration watchOkEvery) {
  /** Default for {@code restartBackoff.resetAfter}. */
  public static final Duration DEFAULT_RESET_AFTER = Duration.ofMinutes(5);
  /** Default for {@code watchOkEvery}. */
  public static final Duration DEFAULT_WATCH_OK_EVERY = Duration.ofMinutes(5);

  public SupervisorConfig {
    workerCommand = List.copyOf(workerCommand);
  }

  /** The same with the defaults of {@code restartBackoff.resetAfter} and {@code watchOkEvery}. */
  public SupervisorConfig(
      Duration staleAfter,
      Duration startupGrace,
      Duration stopGrace,
      Duration restartBackoffInitial,
      Duration restartBackoffMax,
      RestartMode restartWith,
      List<String> workerCommand,
      String workerUnit,
      int stallRecordsKept) {
    this(staleAfter, startupGrace, stopGrace, restartBackoffInitial, restartBackoffMax, restartWith,
        workerCommand, workerUnit, stallRecordsKept, DEFAULT_RESET_AFTER, DEFAULT_WATCH_OK_EVERY);
  }
}
