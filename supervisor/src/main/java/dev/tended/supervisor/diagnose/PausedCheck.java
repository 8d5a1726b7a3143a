package dev.tended.supervisor.diagnose;

import dev.tended.status.SourceStatus;
import dev.tended.status.WorkerStatus;
import dev.tended.supervisor.diagnose.HealthReport.Check;
import dev.tended.supervisor.diagnose.HealthReport.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code paused} line of {@code health-diagnose}: which sources an operator paused, as the
 * worker's status file reports them. Always OK: a pause is an operator's decision, reported so that
 * whoever reads the verdict knows why a source does not move, not an error to page about.
 */
final class PausedCheck {
  static final String NAME = "paused";

  private PausedCheck() {}

  /** The line; none without a status file (nothing is known of pauses then). */
  static Optional<Check> of(Optional<WorkerStatus> status) {
    if (status.isEmpty()) {
      return Optional.empty();
    }
    List<String> paused = new ArrayList<>();
    for (Map.Entry<String, SourceStatus> e : status.get().sources().entrySet()) {
      SourceStatus s = e.getValue();
      if (s.paused()) {
        paused.add(e.getKey() + (s.draining() ? " (draining: " + s.running() + " running finish, nothing new starts)"
            : ""));
      }
    }
    return Optional.of(new Check(NAME, Level.OK, paused.isEmpty() ? "no source paused"
        : paused.size() + " paused by an operator: " + String.join(", ", paused)
            + " (nothing new starts from them until `tended resume`)"));
  }
}
