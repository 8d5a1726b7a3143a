package dev.tended.supervisor.restart;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the supervisor leaves on disk for {@code health-diagnose} and for its own next run
 * ({@code dataDir/supervisor-state.json}, rewritten atomically on every change): who is watching,
 * which worker, how many failures in a row, and the recent restarts.
 *
 * @param state {@code watching}, {@code waiting_to_restart}, {@code reloading} (a reload has handed the worker
 *     over; the next watching starts at once) or {@code stopped}
 * @param failuresInARow crashes and stalls since the worker last ran healthy for {@code restartBackoff.resetAfter}
 * @param nextRestartAt when a crashed worker will be started again, else null
 * @param restarts the last day's restarts, oldest first, at most {@link #KEPT}
 * @param restartTotals every restart this data folder's supervisors recorded, by reason (the Prometheus
 *     counter {@code tended_worker_restarts_total}); empty in a file written before it was kept
 */
public record SupervisorState(
    int schema,
    long supervisorPid,
    String mode,
    String state,
    Long workerPid,
    int failuresInARow,
    Instant nextRestartAt,
    Instant updatedAt,
    List<RestartEvent> restarts,
    Map<String, Long> restartTotals) {
  public static final int SCHEMA = 1;
  /** How many restarts are kept at most. */
  public static final int KEPT = 500;
  /** From this many failures in a row on, the worker counts as crash-looping. */
  public static final int CRASH_LOOP_FAILURES = 3;

  public SupervisorState {
    restarts = restarts == null ? List.of() : List.copyOf(restarts);
    restartTotals = restartTotals == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(restartTotals));
  }

  /** A state without restart totals, as a file written before they were kept reads. */
  public SupervisorState(int schema, long supervisorPid, String mode, String state, Long workerPid, int failuresInARow,
      Instant nextRestartAt, Instant updatedAt, List<RestartEvent> restarts) {
    this(schema, supervisorPid, mode, state, workerPid, failuresInARow, nextRestartAt, updatedAt, restarts, Map.of());
  }

  /** The restarts within {@code window} before {@code now}. */
  public long restartsWithin(Duration window, Instant now) {
    Instant from = now.minus(window);
    return restarts.stream().filter(r -> r.at() != null && r.at().isAfter(from)).count();
  }

  /** Whether the worker keeps failing without ever running healthy in between. */
  public boolean crashLooping() {
    return failuresInARow >= CRASH_LOOP_FAILURES;
  }
}
