package dev.tended.supervisor.diagnose;

import dev.tended.status.FastPath;
import dev.tended.status.WorkerStatus;
import dev.tended.supervisor.diagnose.HealthReport.Check;
import dev.tended.supervisor.diagnose.HealthReport.Level;
import java.util.Optional;

/**
 * The {@code fast_path} line of {@code health-diagnose}: whether the worker's file watcher makes polls
 * run as soon as a queue changes. Off is DEGRADED, not UNHEALTHY: nothing is lost, every queue is still
 * polled every {@code pollInterval}, but items wait longer and the cause (usually the inotify limits)
 * needs an operator; a restart would not fix it.
 */
final class FastPathCheck {
  static final String NAME = "fast_path";

  private FastPathCheck() {}

  /** The line for {@code status}; none without a status file or from a worker that does not report it. */
  static Optional<Check> of(Optional<WorkerStatus> status) {
    Optional<FastPath> fastPath = status.map(WorkerStatus::fastPath);
    if (fastPath.isEmpty()) {
      return Optional.empty();
    }
    FastPath f = fastPath.get();
    return Optional.of(f.on()
        ? new Check(NAME, Level.OK, "on: queues are polled as soon as they change")
        : new Check(NAME, Level.DEGRADED, "off: " + f.reason() + "; queues are polled every pollInterval only"
            + " (the worker tries again every few seconds; for the inotify limits see fs.inotify.max_user_instances"
            + " and max_user_watches)"));
  }
}
