package dev.tended.supervisor.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.status.BreakerStatus;
import dev.tended.status.RecordingFault;
import dev.tended.status.SourceStatus;
import dev.tended.status.WorkerStatus;
import dev.tended.supervisor.diagnose.HealthReport.Level;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OutcomesRecordedCheckTest {
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:40Z");

  private static SourceStatus source(RecordingFault recording) {
    return new SourceStatus(NOW, true, 4, 1, 0, 0, 0, null, BreakerStatus.CLOSED, null, recording);
  }

  private static Optional<WorkerStatus> status(Map<String, SourceStatus> sources) {
    return Optional.of(new WorkerStatus(WorkerStatus.SCHEMA, 42, "running", "test", NOW, NOW, 9, sources));
  }

  @Test
  void aSourceWhoseOutcomesCannotBeRecordedIsUnhealthyAndSaysSinceWhenAndWhy() {
    Map<String, SourceStatus> sources = new LinkedHashMap<>();
    sources.put("ideas", source(new RecordingFault(Instant.parse("2026-12-01T10:00:00Z"),
        "cannot record the outcome of i0: No space left on device")));
    sources.put("qa", source(null));
    assertThat(OutcomesRecordedCheck.of(status(sources), NOW)).hasValueSatisfying(c -> {
      assertThat(c.name()).isEqualTo("outcomes_recorded");
      assertThat(c.level()).isEqualTo(Level.UNHEALTHY);
      assertThat(c.detail()).startsWith("ideas: failing for 40s (since 2026-12-01T10:00:00Z): cannot record the"
          + " outcome of i0: No space left on device").doesNotContain("qa");
    });
  }

  @Test
  void sourcesThatRecordEveryOutcomeAreOk() {
    assertThat(OutcomesRecordedCheck.of(status(Map.of("ideas", source(null))), NOW))
        .hasValueSatisfying(c -> assertThat(c.level()).isEqualTo(Level.OK));
  }

  @Test
  void noStatusFileGivesNoLine() {
    assertThat(OutcomesRecordedCheck.of(Optional.empty(), NOW)).isEmpty();
  }
}
