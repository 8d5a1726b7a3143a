package dev.tended.supervisor.cli;

import dev.tended.config.ConfigException;
import dev.tended.config.ConfigLoader;
import dev.tended.config.TendedConfig;
import dev.tended.supervisor.restart.Workers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The check a reload ({@code SIGHUP} to the supervisor) passes before anything is restarted: the
 * configuration file is read again and validated as at start (every problem with its key's path), and
 * the keys that only a new supervisor can apply (the data folder, its lock, the heartbeat file, the
 * logging folder, the restart mode) must not have changed. Stateless.
 */
final class ConfigReload {
  private ConfigReload() {}

  /** What a reload read: the new configuration, or why it is refused. */
  record Outcome(TendedConfig next, List<String> problems) {
    boolean accepted() {
      return problems.isEmpty();
    }
  }

  /** Reads {@code running}'s file again and decides. */
  static Outcome check(TendedConfig running, Map<String, String> env) {
    TendedConfig next;
    try {
      next = ConfigLoader.load(running.configFile());
      Workers.forConfig(next, env, () -> { });
    } catch (ConfigException e) {
      return new Outcome(null, e.problems());
    }
    List<String> fixed = new ArrayList<>();
    unchanged(fixed, "dataDir", running.dataDir(), next.dataDir());
    unchanged(fixed, "heartbeat.file", running.heartbeat().file(), next.heartbeat().file());
    unchanged(fixed, "logging", running.logging(), next.logging());
    unchanged(fixed, "supervisor.restartWith", running.supervisor().restartWith(), next.supervisor().restartWith());
    return new Outcome(fixed.isEmpty() ? next : null, fixed);
  }

  private static void unchanged(List<String> problems, String key, Object was, Object now) {
    if (!was.equals(now)) {
      problems.add(key + ": changed from " + was + " to " + now + "; a reload cannot apply it, restart the supervisor");
    }
  }
}
