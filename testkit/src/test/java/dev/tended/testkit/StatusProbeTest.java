package dev.tended.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tended.status.StatusFiles;
import dev.tended.status.WorkerStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusProbeTest {
  @TempDir Path dir;

  private Path status() {
    return dir.resolve("status.json");
  }

  private void beat(long sequence) throws Exception {
    StatusFiles.write(status(), new WorkerStatus(WorkerStatus.SCHEMA, 42, "running", "test", Instant.EPOCH,
        Instant.now(), sequence, Map.of()));
  }

  @Test
  void absentStatusFileIsEmptyButAHalfWrittenOneFailsTheTest() throws Exception {
    StatusProbe probe = new StatusProbe(status());
    assertThat(probe.read()).isEmpty();
    Files.writeString(status(), "{\"schema\": 1, \"pid\": 12");
    assertThatThrownBy(probe::read).isInstanceOf(AssertionError.class).hasMessageContaining("does not parse");
  }

  @Test
  void tolerantProbeReadsAFileThatDoesNotParseAsNoStatus() throws Exception {
    Files.writeString(status(), "garbage written on purpose");
    assertThat(StatusProbe.tolerant(status()).read()).isEmpty();
  }

  @Test
  void waitingWhileTheWorkMovesOutlastsTheStallLimit() throws Exception {
    beat(0);
    Thread beats = new Thread(() -> {
      try {
        for (long seq = 1; seq <= 8; seq++) {
          Thread.sleep(250); // a slow producer of beats: the whole run takes longer than the stall limit
          beat(seq);
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, "beats");
    long t0 = System.nanoTime();
    beats.start();
    StatusProbe.Seen seen = new StatusProbe(status())
        .awaitWhileProgressing(s -> s.sequence() >= 8, WorkerStatus::sequence, Duration.ofMillis(1500));
    beats.join();
    assertThat(seen.status().sequence()).isEqualTo(8);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThan(Duration.ofMillis(1500));
  }

  @Test
  void waitingWhileProgressingGivesUpWhenNothingMovesForTheStallLimit() throws Exception {
    beat(5);
    StatusProbe probe = new StatusProbe(status());
    assertThatThrownBy(() -> probe.awaitWhileProgressing(s -> s.sequence() > 5, WorkerStatus::sequence,
        Duration.ofMillis(300))).isInstanceOf(TimeoutException.class).hasMessageContaining("no progress")
        .hasMessageContaining("stuck at 5");
  }
}
