package dev.tended.supervisor.restart;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The restart totals behind {@code tended_worker_restarts_total}: counted by reason, kept across supervisor restarts. */
class RestartLogTest {
  private static final Clock WALL = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
  @TempDir Path dir;

  private static RestartEvent restart(String reason) {
    return new RestartEvent(WALL.instant(), reason, 42, null, null, 1000, null);
  }

  @Test
  void restartsAreCountedByReasonAndTheTotalsSurviveTheNextSupervisor() throws Exception {
    Path file = StateFile.in(dir);
    RestartLog first = RestartLog.open(file, "child", WALL);
    first.record(restart("exit"));
    first.record(restart("stale"));
    first.record(restart("exit"));
    first.save("watching", 42L, 0, null);
    assertThat(StateFile.read(file).orElseThrow().restartTotals()).isEqualTo(Map.of("exit", 2L, "stale", 1L));

    RestartLog next = RestartLog.open(file, "child", WALL);
    next.record(restart("stale"));
    next.save("watching", 43L, 0, null);
    assertThat(StateFile.read(file).orElseThrow().restartTotals()).isEqualTo(Map.of("exit", 2L, "stale", 2L));
  }

  @Test
  void aStateFileWrittenBeforeTotalsWereKeptReadsAsNoRestartsCounted() throws Exception {
    Path file = StateFile.in(dir);
    Files.writeString(file, "{\"schema\":1,\"supervisorPid\":7,\"mode\":\"child\",\"state\":\"watching\",\"workerPid\":8,"
        + "\"failuresInARow\":0,\"nextRestartAt\":null,\"updatedAt\":\"2026-12-01T09:00:00Z\",\"restarts\":[]}");
    assertThat(StateFile.read(file).orElseThrow().restartTotals()).isEmpty();
    RestartLog log = RestartLog.open(file, "child", WALL);
    log.record(restart("exit"));
    log.save("watching", 9L, 0, null);
    assertThat(StateFile.read(file).orElseThrow().restartTotals()).isEqualTo(Map.of("exit", 1L));
  }
}
