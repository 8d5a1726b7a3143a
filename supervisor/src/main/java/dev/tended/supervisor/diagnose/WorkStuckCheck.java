package dev.tended.supervisor.diagnose;

import dev.tended.config.Durations;
import dev.tended.config.SourceConfig;
import dev.tended.config.TendedConfig;
import dev.tended.status.SourceStatus;
import dev.tended.status.WorkStuck;
import dev.tended.status.WorkerStatus;
import dev.tended.supervisor.diagnose.HealthReport.Check;
import dev.tended.supervisor.diagnose.HealthReport.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code work_stuck} line of {@code health-diagnose}: whether items that are due actually finish.
 * The heartbeat proves the worker's loops run, not that items move: handlers that hang keep it fresh.
 * A stuck source is DEGRADED, not UNHEALTHY: the worker is alive and restarting it would not free a
 * hung handler, but a person should look. The rule is {@link WorkStuck}'s, the same the
 * {@code work_stuck} alert uses, judged at the status file's {@code updatedAt}.
 */
final class WorkStuckCheck {
  static final String NAME = "work_stuck";

  private WorkStuckCheck() {}

  /** The line for {@code status} with {@code alerts.stuckAfter}; none without a status file. */
  static Optional<Check> of(TendedConfig config, Optional<WorkerStatus> status) {
    if (status.isEmpty() || status.get().updatedAt() == null) {
      return Optional.empty();
    }
    WorkerStatus s = status.get();
    Duration stuckAfter = config.alerts().stuckAfter();
    List<String> stuck = new ArrayList<>();
    List<String> flowing = new ArrayList<>();
    for (SourceConfig src : config.sources()) {
      Optional<String> why = WorkStuck.judge(s, src.name(), stuckAfter);
      if (why.isPresent()) {
        stuck.add(src.name() + ": " + why.get());
      } else {
        SourceStatus ss = s.sources().get(src.name());
        if (ss != null) {
          flowing.add(src.name() + " " + flow(ss));
        }
      }
    }
    if (stuck.isEmpty()) {
      String figures = flowing.isEmpty() ? "" : ": " + String.join(", ", flowing);
      return Optional.of(new Check(NAME, Level.OK, "work flows (stuckAfter " + Durations.format(stuckAfter) + ")" + figures));
    }
    return Optional.of(new Check(NAME, Level.DEGRADED, String.join("; ", stuck)
        + " (see `tended status` for what runs; health-diagnose lists long handlers when handler.warnAfter is set)"));
  }

  private static String flow(SourceStatus ss) {
    if (ss.paused()) {
      return "paused";
    }
    if (ss.oldestPendingAgeSeconds() == null) {
      return "nothing due";
    }
    return "oldest due " + Math.round(ss.oldestPendingAgeSeconds()) + "s";
  }
}
