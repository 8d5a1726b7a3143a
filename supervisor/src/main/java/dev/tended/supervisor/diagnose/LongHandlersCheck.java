package dev.tended.supervisor.diagnose;

import dev.tended.config.Durations;
import dev.tended.config.SourceConfig;
import dev.tended.config.TendedConfig;
import dev.tended.ledger.HandlerRecord;
import dev.tended.ledger.RunningItem;
import dev.tended.logging.Kv;
import dev.tended.supervisor.diagnose.HealthReport.Check;
import dev.tended.supervisor.diagnose.HealthReport.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The {@code long_handlers} line of {@code health-diagnose}: handlers that have run longer than their
 * source's {@code handler.warnAfter}, with source, id, pid and how long, so a person can look at the
 * one that hangs before its {@code timeout} ends it (a timeout of hours is common for real work).
 * DEGRADED while any is listed; OK with "off" when no source sets {@code warnAfter}. How long a
 * handler has run is measured from its recorded start (wall clock, as the worker recorded it).
 */
final class LongHandlersCheck {
  static final String NAME = "long_handlers";
  /** At most this many handlers are named; the rest are counted. */
  static final int MAX_LISTED = 10;

  private LongHandlersCheck() {}

  /** Whether any source sets {@code handler.warnAfter}: without one the ledger need not be read. */
  static boolean on(TendedConfig config) {
    return config.sources().stream().anyMatch(s -> !s.handler().warnAfter().isZero());
  }

  /** The line when no source sets {@code warnAfter}. */
  static Check off() {
    return new Check(NAME, Level.OK, "off (no source sets handler.warnAfter)");
  }

  /** The line for the ledger's {@code running} items, judged at {@code now}. */
  static Check of(TendedConfig config, List<RunningItem> running, Instant now) {
    if (!on(config)) {
      return off();
    }
    Map<String, Duration> warnAfter = config.sources().stream()
        .filter(s -> !s.handler().warnAfter().isZero())
        .collect(Collectors.toMap(SourceConfig::name, s -> s.handler().warnAfter()));
    List<String> longOnes = new ArrayList<>();
    for (RunningItem r : running) {
      Duration limit = warnAfter.get(r.item().source());
      Instant started = r.handler().map(HandlerRecord::startedAt).orElse(r.item().lastStartedAt());
      if (limit == null || started == null) {
        continue;
      }
      Duration runningFor = Duration.between(started, now);
      if (runningFor.compareTo(limit) > 0) {
        longOnes.add(r.item().source() + "/" + Kv.visible(r.item().id()) + " pid "
            + r.handler().map(h -> Long.toString(h.handlerPid())).orElse("none recorded") + " running for "
            + Durations.format(Duration.ofSeconds(runningFor.toSeconds())) + " (warnAfter " + Durations.format(limit)
            + ", since " + started + ")");
      }
    }
    String watched = warnAfter.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(e -> e.getKey() + " " + Durations.format(e.getValue())).collect(Collectors.joining(", "));
    if (longOnes.isEmpty()) {
      return new Check(NAME, Level.OK, "none (warnAfter: " + watched + ")");
    }
    String shown = longOnes.stream().limit(MAX_LISTED).collect(Collectors.joining("; "));
    return new Check(NAME, Level.DEGRADED, longOnes.size() + " running longer than warnAfter: " + shown
        + (longOnes.size() > MAX_LISTED ? "; and " + (longOnes.size() - MAX_LISTED) + " more" : ""));
  }

  /** {@link #of} with the running items read by {@code read}; a read that fails makes the line UNKNOWN. */
  static Check reading(TendedConfig config, Function<TendedConfig, List<RunningItem>> read, Instant now) {
    if (!on(config)) {
      return off();
    }
    try {
      return of(config, read.apply(config), now);
    } catch (RuntimeException e) {
      return new Check(NAME, Level.UNKNOWN, "running handlers cannot be read: " + e.getMessage());
    }
  }
}
