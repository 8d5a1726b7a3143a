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
    int stallRecordsKept) {
  public SupervisorConfig {
    workerCommand = List.copyOf(workerCommand);
  }
}
