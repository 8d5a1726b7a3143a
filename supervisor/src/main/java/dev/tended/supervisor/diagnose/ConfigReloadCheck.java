package dev.tended.supervisor.diagnose;

import dev.tended.supervisor.diagnose.HealthReport.Check;
import dev.tended.supervisor.diagnose.HealthReport.Level;
import dev.tended.supervisor.reload.ReloadState;
import dev.tended.supervisor.reload.ReloadStateFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code config_reload}: the supervisor's last reload, from {@code reload-state.json}. A refused or
 * failed one is degraded (the supervisor runs on the configuration it had, not the file's) until a
 * later reload or a start of the supervisor succeeds; none recorded, no check. Stateless.
 */
final class ConfigReloadCheck {
  private ConfigReloadCheck() {}

  static Optional<Check> of(Path dataDir) {
    Path file = ReloadStateFile.in(dataDir);
    Optional<ReloadState> state;
    try {
      state = ReloadStateFile.read(file);
    } catch (IOException | RuntimeException e) {
      return Optional.of(new Check("config_reload", Level.UNKNOWN, file + " does not parse: " + e.getMessage()));
    }
    if (state.isEmpty()) {
      return Optional.empty();
    }
    ReloadState s = state.get();
    return Optional.of(switch (s.outcome()) {
      case ReloadState.REFUSED -> new Check("config_reload", Level.DEGRADED, "reload refused at " + s.finishedAt()
          + ", the supervisor runs the configuration it had: " + String.join("; ", s.problems())
          + "; fix " + s.configFile() + " and run tended reload");
      case ReloadState.FAILED -> new Check("config_reload", Level.DEGRADED, "reload at " + s.requestedAt()
          + " failed: " + String.join("; ", s.problems()));
      case ReloadState.DONE -> new Check("config_reload", Level.OK, "last reload done at " + s.finishedAt() + " in "
          + s.tookMs() + " ms");
      case ReloadState.RELOADING -> new Check("config_reload", Level.OK, "reload in progress since " + s.requestedAt());
      default -> new Check("config_reload", Level.OK, "no reload since the supervisor started at " + s.finishedAt());
    });
  }
}
