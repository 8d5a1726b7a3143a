package dev.tended.supervisor.alerts;

import dev.tended.ledger.ItemRecord;
import dev.tended.status.SourceStatus;
import dev.tended.status.WorkStuck;
import dev.tended.status.WorkerStatus;
import dev.tended.supervisor.diagnose.HealthDiagnosis;
import dev.tended.supervisor.restart.RestartEvent;
import dev.tended.supervisor.restart.SupervisorState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The rule for every alert, judged from what was read ({@link Observed}); no I/O, no clock of its own.
 * Status alerts come from {@code status.json} (work_stuck through {@link WorkStuck}, the rule
 * {@code health-diagnose} uses too); disk_low uses {@code health-diagnose}'s thresholds; the worker
 * alerts come from {@code supervisor-state.json}'s restarts: worker_stalled and worker_restarted hold
 * from the restart until a worker other than the replaced one has beaten after it. Only item_dead has
 * occurrences (another item dying is news); a worker refusing a damaged ledger again, or failing again
 * before any worker beat, is the same alert (worker_crash_looping tells the repetition).
 */
final class AlertConditions {
  private static final Set<Alert> FROM_STATUS =
      EnumSet.of(Alert.ITEM_DEAD, Alert.BREAKER_OPEN, Alert.QUEUE_FAULT, Alert.WORK_STUCK);

  private final Duration stuckAfter;
  private final Path diagnosticsDir;

  AlertConditions(Duration stuckAfter, Path diagnosticsDir) {
    this.stuckAfter = stuckAfter;
    this.diagnosticsDir = diagnosticsDir;
  }

  Judgement judge(Observed o) {
    Set<Alert> judged = EnumSet.noneOf(Alert.class);
    List<Condition> holding = new ArrayList<>();
    if (o.status().readable()) {
      judged.addAll(FROM_STATUS);
      o.status().value().ifPresent(s -> sources(s, o.newestDead(), holding));
    }
    if (o.disk().readable()) {
      judged.add(Alert.DISK_LOW);
      o.disk().value().filter(d -> HealthDiagnosis.diskLow(d.free(), d.total())).ifPresent(d ->
          holding.add(new Condition(AlertKey.of(Alert.DISK_LOW), HealthDiagnosis.diskDetail(d.free(), d.total())
              + " in the data folder (below " + HealthDiagnosis.DISK_LOW_RULE + ")", "")));
    }
    if (o.ledgerDamage().readable()) {
      judged.add(Alert.LEDGER_DAMAGED);
      o.ledgerDamage().value().ifPresent(d -> holding.add(new Condition(AlertKey.of(Alert.LEDGER_DAMAGED),
          "the worker (pid " + d.pid() + ") refused to start at " + d.at() + ": " + d.what(), "")));
    }
    if (o.supervisor().readable()) {
      judged.add(Alert.WORKER_CRASH_LOOPING);
      o.supervisor().value().filter(SupervisorState::crashLooping).ifPresent(st -> holding.add(new Condition(
          AlertKey.of(Alert.WORKER_CRASH_LOOPING), crashLoopDetail(st), "")));
      if (o.status().readable()) {
        judged.add(Alert.WORKER_STALLED);
        judged.add(Alert.WORKER_RESTARTED);
        o.supervisor().value().ifPresent(st -> restarts(st, o.status().value(), holding));
      }
    }
    return new Judgement(judged, holding);
  }

  private void sources(WorkerStatus s, Map<String, ItemRecord> newestDead, List<Condition> holding) {
    for (Map.Entry<String, SourceStatus> e : s.sources().entrySet()) {
      String name = e.getKey();
      SourceStatus src = e.getValue();
      if (src.dead() > 0) {
        ItemRecord newest = newestDead.get(name);
        holding.add(new Condition(new AlertKey(Alert.ITEM_DEAD, name), deadDetail(src.dead(), newest),
            newest == null ? null : newest.seq() + "@" + newest.updatedAt()));
      }
      if (src.breaker() != null && "open".equals(src.breaker().state())) {
        holding.add(new Condition(new AlertKey(Alert.BREAKER_OPEN, name), "the circuit breaker opened after "
            + src.breaker().consecutiveFailures() + " failures in a row"
            + (src.breaker().openUntil() != null ? "; next trial at " + src.breaker().openUntil() : ""), ""));
      }
      if (src.fault() != null) {
        holding.add(new Condition(new AlertKey(Alert.QUEUE_FAULT, name), src.fault().describe()
            + (src.fault().quarantinedAs() != null ? "; copy at " + src.fault().quarantinedAs() : "")
            + (src.fault().since() != null ? "; since " + src.fault().since() : ""), ""));
      }
      WorkStuck.judge(s, name, stuckAfter).ifPresent(why ->
          holding.add(new Condition(new AlertKey(Alert.WORK_STUCK, name), why, "")));
    }
  }

  private static String deadDetail(long dead, ItemRecord newest) {
    String count = dead == 1 ? "1 item is dead" : dead + " items are dead";
    if (newest == null) {
      return count;
    }
    StringBuilder b = new StringBuilder(count).append("; the newest: ").append(newest.id()).append(" after ")
        .append(newest.attempts()).append(newest.attempts() == 1 ? " attempt" : " attempts");
    if (newest.lastExitCode() != null) {
      b.append(", exit ").append(newest.lastExitCode());
    }
    if (newest.lastError() != null && !newest.lastError().isBlank()) {
      b.append(": ").append(Notification.oneLine(abbreviate(newest.lastError(), 300)));
    }
    return b.append(" (tended show ").append(newest.source()).append(' ').append(newest.id()).append(')').toString();
  }

  private static String crashLoopDetail(SupervisorState st) {
    String last = st.restarts().isEmpty() ? "" : "; the last: " + describe(st.restarts().get(st.restarts().size() - 1));
    return st.failuresInARow() + " failures in a row without a healthy run"
        + (st.nextRestartAt() != null ? "; next start at " + st.nextRestartAt() : "") + last;
  }

  private void restarts(SupervisorState st, Optional<WorkerStatus> status, List<Condition> holding) {
    latest(st, "stale").filter(e -> !beatenSince(e, status)).ifPresent(e -> holding.add(new Condition(
        AlertKey.of(Alert.WORKER_STALLED), describe(e) + (e.stallRecord() != null
            ? "; stall record " + diagnosticsDir.resolve(e.stallRecord()) : "; no stall record"), e.at().toString())));
    latest(st, "exit").filter(e -> !beatenSince(e, status)).ifPresent(e -> holding.add(new Condition(
        AlertKey.of(Alert.WORKER_RESTARTED), describe(e), e.at().toString())));
  }

  private static Optional<RestartEvent> latest(SupervisorState st, String reason) {
    RestartEvent found = null;
    for (RestartEvent e : st.restarts()) {
      if (reason.equals(e.reason()) && e.at() != null && (found == null || !e.at().isBefore(found.at()))) {
        found = e;
      }
    }
    return Optional.ofNullable(found);
  }

  /** Whether a worker other than the one replaced at {@code e} has written a beat since. */
  private static boolean beatenSince(RestartEvent e, Optional<WorkerStatus> status) {
    return status.filter(s -> s.pid() != e.pid() && s.updatedAt() != null && s.updatedAt().isAfter(e.at())
        && s.sequence() > 0).isPresent();
  }

  private static String describe(RestartEvent e) {
    return switch (e.reason()) {
      case "stale" -> "worker pid " + e.pid() + " stalled (heartbeat still for " + e.staleForMs() + " ms after "
          + e.uptimeMs() / 1000 + " s up) and was replaced at " + e.at();
      case "exit" -> "worker pid " + e.pid() + " exited with code " + e.exitCode() + " after " + e.uptimeMs() / 1000
          + " s up and was started again at " + e.at();
      default -> "worker " + e.reason() + " at " + e.at();
    };
  }

  private static String abbreviate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "…";
  }
}
