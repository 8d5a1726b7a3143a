package dev.tended.supervisor.diagnose;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tended.logging.Kv;
import dev.tended.status.StatusFiles;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The outcome of {@code health-diagnose}: every check with the figure behind it, and the verdict,
 * which is the worst check. Its text and JSON forms are an interface scripts read.
 */
public record HealthReport(Instant checkedAt, String config, List<Check> checks) {
  /** How bad a check (or the whole) is; the ordinal is the monitoring-plugin exit code. */
  public enum Level {
    OK, DEGRADED, UNHEALTHY, UNKNOWN;

    /** 0 healthy, 1 degraded, 2 unhealthy, 3 unknown. */
    public int exitCode() {
      return ordinal();
    }

    /** Lower-case name as printed. */
    public String wire() {
      return this == OK ? "healthy" : name().toLowerCase(Locale.ROOT);
    }
  }

  /** One line of the report. */
  public record Check(String name, Level level, String detail) {
    public boolean ok() {
      return level == Level.OK;
    }
  }

  public HealthReport {
    checks = List.copyOf(checks);
  }

  /**
   * The worst level of any check, where a known-bad check outranks one that could not be made: a
   * worker that is not running is unhealthy even though its queue files cannot be judged without it.
   */
  public Level verdict() {
    return checks.stream().map(Check::level).max(Comparator.comparingInt(HealthReport::severity))
        .orElse(Level.UNKNOWN);
  }

  private static int severity(Level l) {
    return switch (l) {
      case OK -> 0;
      case DEGRADED -> 1;
      case UNKNOWN -> 2;
      case UNHEALTHY -> 3;
    };
  }

  /** The names of the checks that did not pass. */
  public List<String> failing() {
    return checks.stream().filter(c -> !c.ok()).map(Check::name).toList();
  }

  /** One line per check, then the verdict. */
  public String toText() {
    StringBuilder b = new StringBuilder();
    for (Check c : checks) {
      b.append(c.ok() ? "✓ " : "✗ ").append(c.name()).append(": ").append(Kv.visible(c.detail())).append('\n');
    }
    Level v = verdict();
    b.append("verdict: ").append(v.name()).append(" (exit ").append(v.exitCode()).append(")");
    if (v != Level.OK) {
      b.append(": ").append(String.join(", ", failing()));
    }
    return b.append('\n').toString();
  }

  /** The JSON of {@code health-diagnose --json} and of the dashboard's {@code /healthz}: verdict, exitCode, every check. */
  public ObjectNode toJson() {
    ObjectNode root = StatusFiles.mapper().createObjectNode();
    root.put("verdict", verdict().wire());
    root.put("exitCode", verdict().exitCode());
    root.put("checkedAt", checkedAt.toString());
    root.put("config", config);
    ArrayNode list = root.putArray("checks");
    for (Check c : checks) {
      ObjectNode n = list.addObject();
      n.put("name", c.name());
      n.put("ok", c.ok());
      n.put("level", c.level().wire());
      n.put("detail", c.detail());
    }
    ArrayNode failingNames = root.putArray("failing");
    failing().forEach(failingNames::add);
    return root;
  }
}
