package dev.tended.supervisor.restart;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisor's memory of restarts, kept in {@link StateFile}: loaded at start so that restarts
 * before a supervisor restart still count, rewritten on each change. A write that fails is logged and
 * retried with the next change; it never stops the watching.
 *
 * <p>Not thread-safe: owned by the watch thread (the final write happens on it too).
 */
public final class RestartLog {
  private static final Logger log = LoggerFactory.getLogger(RestartLog.class);

  private final Path file;
  private final String mode;
  private final Clock wall;
  private List<RestartEvent> restarts;
  private final Map<String, Long> totals;

  private RestartLog(Path file, String mode, Clock wall, List<RestartEvent> restarts, Map<String, Long> totals) {
    this.file = file;
    this.mode = mode;
    this.wall = wall;
    this.restarts = restarts;
    this.totals = new TreeMap<>(totals);
  }

  /** Opens the log in {@code file}, keeping the restarts already recorded there. */
  public static RestartLog open(Path file, String mode, Clock wall) {
    Optional<SupervisorState> previous = Optional.empty();
    try {
      previous = StateFile.read(file);
    } catch (IOException e) {
      log.warn("supervisor_state_unreadable file={} error=\"{}\" action=starting_afresh", file, e.getMessage());
    }
    return new RestartLog(file, mode, wall, previous.map(SupervisorState::restarts).orElse(List.of()),
        previous.map(SupervisorState::restartTotals).orElse(Map.of()));
  }

  /** Remembers one restart and counts it in its reason's total (written with the next {@link #save}). */
  public void record(RestartEvent event) {
    restarts = StateFile.append(restarts, event, wall.instant());
    totals.merge(event.reason(), 1L, Long::sum);
  }

  /** Restarts in the last hour, by wall clock. */
  public long restartsInLastHour() {
    Instant hourAgo = wall.instant().minus(Duration.ofHours(1));
    return restarts.stream().filter(r -> r.at().isAfter(hourAgo)).count();
  }

  /** Now, by the wall clock this log stamps events with. */
  public Instant now() {
    return wall.instant();
  }

  /** Rewrites the state file. */
  public void save(String state, Long workerPid, int failuresInARow, Instant nextRestartAt) {
    SupervisorState s = new SupervisorState(SupervisorState.SCHEMA, ProcessHandle.current().pid(), mode, state,
        workerPid, failuresInARow, nextRestartAt, wall.instant(), restarts, totals);
    try {
      StateFile.write(file, s);
    } catch (IOException | RuntimeException e) {
      log.warn("supervisor_state_write_failed file={} error=\"{}\"", file, e.getMessage());
    }
  }
}
