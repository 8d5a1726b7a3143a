package dev.tended.supervisor.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.config.ConfigLoader;
import dev.tended.config.TendedConfig;
import dev.tended.status.BreakerStatus;
import dev.tended.status.SourceStatus;
import dev.tended.status.WorkerStatus;
import dev.tended.supervisor.diagnose.HealthReport.Check;
import dev.tended.supervisor.diagnose.HealthReport.Level;
import dev.tended.testkit.TestConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkStuckCheckTest {
  private static final Instant NOW = Instant.parse("2026-12-02T06:00:00Z");

  @TempDir Path dir;

  @Test
  void aSourceWithDueWorkAndNothingFinishedForStuckAfterDegradesTheLineNamingTheSource() throws Exception {
    Map<String, SourceStatus> sources = new LinkedHashMap<>();
    sources.put("ideas", source(120.0, NOW.minus(Duration.ofMinutes(2))));
    sources.put("qa", source(null, NOW.minusSeconds(5)));

    Optional<Check> c = WorkStuckCheck.of(config("alerts: { stuckAfter: 1m }\n"), status(sources));

    assertThat(c).hasValueSatisfying(check -> {
      assertThat(check.name()).isEqualTo("work_stuck");
      assertThat(check.level()).isEqualTo(Level.DEGRADED);
      assertThat(check.detail()).startsWith("ideas: items are due").contains("stuckAfter 1m").doesNotContain("qa:");
    });
  }

  @Test
  void theSameSourceIsNotStuckUnderTheDefaultStuckAfterOfThirtyMinutes() throws Exception {
    Optional<Check> c = WorkStuckCheck.of(config(""), status(Map.of("ideas", source(120.0, NOW.minus(Duration.ofMinutes(2))))));

    assertThat(c).hasValueSatisfying(check -> {
      assertThat(check.level()).isEqualTo(Level.OK);
      assertThat(check.detail()).isEqualTo("work flows (stuckAfter 30m): ideas oldest due 120s");
    });
  }

  @Test
  void sourcesWithNothingDueAreOk() throws Exception {
    Optional<Check> c = WorkStuckCheck.of(config("alerts: { stuckAfter: 1m }\n"),
        status(Map.of("ideas", source(null, NOW.minus(Duration.ofDays(1))))));

    assertThat(c).hasValueSatisfying(check -> assertThat(check.detail()).isEqualTo("work flows (stuckAfter 1m): ideas nothing due"));
  }

  @Test
  void noStatusFileGivesNoLine() throws Exception {
    assertThat(WorkStuckCheck.of(config(""), Optional.empty())).isEmpty();
  }

  private TendedConfig config(String extra) throws Exception {
    TestConfig c = new TestConfig(dir);
    Path handler = c.script("h.sh", "exit 0");
    c.source(TestConfig.jsonQueue("ideas", "ideas.json", handler, "")).extra(extra).write();
    return ConfigLoader.load(c.file());
  }

  private static SourceStatus source(Double oldestDueAge, Instant lastFinished) {
    return new SourceStatus(NOW, true, 3, 1, 0, 0, 0, null, BreakerStatus.CLOSED, null, null, false, oldestDueAge,
        lastFinished, lastFinished, 0);
  }

  private static Optional<WorkerStatus> status(Map<String, SourceStatus> sources) {
    return Optional.of(new WorkerStatus(WorkerStatus.SCHEMA, 42, "running", "test", NOW.minus(Duration.ofHours(1)), NOW,
        9, sources));
  }
}
