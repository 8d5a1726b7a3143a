package dev.tended.supervisor.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.status.FastPath;
import dev.tended.status.WorkerStatus;
import dev.tended.supervisor.diagnose.HealthReport.Level;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FastPathCheckTest {
  private static Optional<WorkerStatus> status(FastPath fastPath) {
    return Optional.of(new WorkerStatus(WorkerStatus.SCHEMA, 42, "running", "test", Instant.EPOCH, Instant.EPOCH, 1,
        Map.of(), fastPath));
  }

  @Test
  void aFastPathThatIsOffIsDegradedAndSaysWhy() {
    assertThat(FastPathCheck.of(status(FastPath.off("no watch service: User limit of inotify instances reached"))))
        .hasValueSatisfying(c -> {
          assertThat(c.name()).isEqualTo("fast_path");
          assertThat(c.level()).isEqualTo(Level.DEGRADED);
          assertThat(c.detail()).startsWith("off: no watch service: User limit of inotify instances reached")
              .contains("polled every pollInterval");
        });
  }

  @Test
  void aFastPathThatIsOnIsOk() {
    assertThat(FastPathCheck.of(status(FastPath.ON))).hasValueSatisfying(c -> assertThat(c.level()).isEqualTo(Level.OK));
  }

  @Test
  void noStatusOrAnOlderWorkerThatDoesNotReportItGivesNoLine() {
    assertThat(FastPathCheck.of(Optional.empty())).isEmpty();
    assertThat(FastPathCheck.of(status(null))).isEmpty();
  }
}
