package dev.tended.supervisor.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.status.StatusFiles;
import dev.tended.status.WorkerStatus;
import dev.tended.supervisor.diagnose.HealthReport.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PausedCheckTest {
  @TempDir Path dir;

  private Optional<WorkerStatus> statusFile(String ideas, String mail) throws Exception {
    Path file = dir.resolve("status.json");
    Files.writeString(file, """
        {"schema":1,"pid":42,"state":"running","version":"test","startedAt":"2026-12-02T10:00:00Z",
         "updatedAt":"2026-12-02T10:00:05Z","sequence":3,"sources":{
          "ideas":{"lastPollOk":true,"pending":4,"running":1,%s},
          "mail":{"lastPollOk":true,"pending":0,"running":0,%s}}}
        """.formatted(ideas, mail));
    return Optional.of(StatusFiles.read(file));
  }

  @Test
  void aPausedSourceIsListedAndTheCheckStillPasses() throws Exception {
    var check = PausedCheck.of(statusFile("\"paused\":true,\"draining\":true", "\"paused\":true"));
    assertThat(check).hasValueSatisfying(c -> {
      assertThat(c.name()).isEqualTo("paused");
      assertThat(c.level()).isEqualTo(Level.OK);
      assertThat(c.detail()).startsWith("2 paused by an operator: ideas (draining: 1 running finish")
          .contains(", mail (nothing new starts");
    });
    HealthReport report = new HealthReport(java.time.Instant.EPOCH, "cfg", java.util.List.of(check.get()));
    assertThat(report.toText()).startsWith("✓ paused: 2 paused by an operator");
  }

  @Test
  void noPausedSourceSaysSo() throws Exception {
    assertThat(PausedCheck.of(statusFile("\"paused\":false", "\"paused\":false")))
        .hasValueSatisfying(c -> assertThat(c.detail()).isEqualTo("no source paused"));
  }

  @Test
  void withoutAStatusFileThereIsNoLine() {
    assertThat(PausedCheck.of(Optional.empty())).isEmpty();
  }
}
