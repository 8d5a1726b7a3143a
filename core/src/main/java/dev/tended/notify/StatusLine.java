package dev.tended.notify;

import dev.tended.status.SourceStatus;
import dev.tended.status.WorkerStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one line {@code systemctl status} shows for the worker, e.g.
 * {@code ideas: 3 pending, 1 running; qa-issues: idle; 1 dead}: what a person glancing at the unit
 * wants to know, short enough for one terminal line. Sources in name order, so the line is stable.
 */
public final class StatusLine {
  private StatusLine() {}

  /** The line for {@code status}. */
  public static String of(WorkerStatus status) {
    List<String> parts = new ArrayList<>();
    long dead = 0;
    for (Map.Entry<String, SourceStatus> e : new TreeMap<>(status.sources()).entrySet()) {
      SourceStatus s = e.getValue();
      dead += s.dead();
      List<String> bits = new ArrayList<>();
      if (s.pending() > 0) {
        bits.add(s.pending() + " pending");
      }
      if (s.running() > 0) {
        bits.add(s.running() + " running");
      }
      if (s.failed() > 0) {
        bits.add(s.failed() + " retrying");
      }
      if (s.fault() != null) {
        bits.add("queue file fault");
      } else if (s.lastError() != null) {
        bits.add("poll failing");
      }
      if (s.breaker() != null && !"closed".equals(s.breaker().state())) {
        bits.add("breaker " + s.breaker().state());
      }
      parts.add(e.getKey() + ": " + (bits.isEmpty() ? "idle" : String.join(", ", bits)));
    }
    if (dead > 0) {
      parts.add(dead + " dead");
    }
    return parts.isEmpty() ? "no sources" : String.join("; ", parts);
  }
}
