package dev.tended.supervisor.diagnose;

import dev.tended.status.RecordingFault;
import dev.tended.status.SourceStatus;
import dev.tended.status.WorkerStatus;
import dev.tended.supervisor.diagnose.HealthReport.Check;
import dev.tended.supervisor.diagnose.HealthReport.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code outcomes_recorded} line of {@code health-diagnose}: whether the worker can make the
 * outcomes of its attempts durable. A worker whose handlers finish but whose results and ledger
 * transitions cannot be written (a full disk, a permission problem, a ledger that refuses writes) is
 * doing nothing that lasts, however fresh its heartbeat: that is UNHEALTHY, not degraded. The worker
 * itself withholds its heartbeat once an outcome stays unrecorded past half of {@code staleAfter}, so
 * a supervisor replaces it; this line says why before that, and without a supervisor.
 */
final class OutcomesRecordedCheck {
  static final String NAME = "outcomes_recorded";

  private OutcomesRecordedCheck() {}

  /** The line for {@code status}, judged at {@code now}; none without a status file. */
  static Optional<Check> of(Optional<WorkerStatus> status, Instant now) {
    if (status.isEmpty()) {
      return Optional.empty();
    }
    List<String> failing = new ArrayList<>();
    for (Map.Entry<String, SourceStatus> e : status.get().sources().entrySet()) {
      RecordingFault f = e.getValue().recording();
      if (f != null) {
        Duration d = Duration.between(f.since(), now);
        failing.add(e.getKey() + ": failing for " + (d.isNegative() ? 0 : d.toSeconds()) + "s (since " + f.since()
            + "): " + f.reason().replaceAll("\\s+", " ").strip());
      }
    }
    return Optional.of(failing.isEmpty()
        ? new Check(NAME, Level.OK, "every finished attempt's outcome is recorded")
        : new Check(NAME, Level.UNHEALTHY, String.join("; ", failing) + " (the items stay running; the worker"
            + " withholds its heartbeat past half of staleAfter, so a supervisor replaces it)"));
  }
}
