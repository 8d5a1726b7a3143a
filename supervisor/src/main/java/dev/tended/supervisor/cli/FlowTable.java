package dev.tended.supervisor.cli;

import dev.tended.ledger.SourceFlow;
import dev.tended.status.SourceStatus;
import dev.tended.status.WorkerStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The "is work flowing" table of {@code tended status}: per source, how long the oldest due item has
 * waited, when an attempt last finished and an item last succeeded (from the ledger, so it is true
 * whether or not a worker runs), and the worker's failed polls since it started (from
 * {@code status.json}; "-" without one). A person reads it as "does anything move?", which counts alone
 * do not answer.
 */
final class FlowTable {
  private FlowTable() {}

  /**
   * Prints the table for {@code sources}; a source missing from {@code flows} has nothing due and has
   * never finished.
   */
  static void print(PrintWriter out, List<String> sources, Map<String, SourceFlow> flows, Optional<WorkerStatus> status,
      Instant now) {
    out.printf("%-20s %11s %14s %14s %11s%n", "SOURCE", "OLDEST DUE", "LAST FINISHED", "LAST SUCCESS", "POLL ERRORS");
    for (String source : sources) {
      SourceFlow f = flows.getOrDefault(source, SourceFlow.NONE);
      Optional<SourceStatus> s = status.map(st -> st.sources().get(source));
      String name = s.map(SourceStatus::paused).orElse(false) ? source + " (paused)" : source;
      out.printf("%-20s %11s %14s %14s %11s%n", name, age(f.oldestDueAge(now)), ago(f.lastFinishedAt(), now),
          ago(f.lastSucceededAt(), now), s.map(st -> Long.toString(st.pollErrors())).orElse("-"));
    }
  }

  private static String ago(Instant t, Instant now) {
    return t == null ? "never" : age(Duration.between(t, now).isNegative() ? Duration.ZERO : Duration.between(t, now))
        + " ago";
  }

  /** A compact age for a column: {@code 12s}, {@code 4m10s}, {@code 2h05m}, {@code 3d04h}; "-" for none. */
  static String age(Duration d) {
    if (d == null) {
      return "-";
    }
    long s = d.toSeconds();
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return (s / 60) + "m" + String.format("%02d", s % 60) + "s";
    }
    if (s < 86_400) {
      return (s / 3600) + "h" + String.format("%02d", s % 3600 / 60) + "m";
    }
    return (s / 86_400) + "d" + String.format("%02d", s % 86_400 / 3600) + "h";
  }
}
