package dev.tended.supervisor.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.status.StatusFiles;
import dev.tended.status.WorkerStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusSourceTest {
  @TempDir Path dir;

  private static WorkerStatus beat(long sequence) {
    return new WorkerStatus(WorkerStatus.SCHEMA, 42, "running", "test", Instant.EPOCH, Instant.EPOCH, sequence, Map.of());
  }

  @Test
  void everyReplacementIsSeenAndGarbageWrittenInPlaceIsNotABeat() throws Exception {
    Path file = dir.resolve("status.json");
    List<String> errors = new ArrayList<>();
    StatusSource source = StatusSource.of(file, errors::add);
    assertThat(source.read()).isEmpty();

    StatusFiles.write(file, beat(1));
    assertThat(source.read()).map(WorkerStatus::sequence).contains(1L);
    assertThat(source.read()).as("unchanged file, same answer").map(WorkerStatus::sequence).contains(1L);
    StatusFiles.write(file, beat(2));
    assertThat(source.read()).as("a replacement is a new file").map(WorkerStatus::sequence).contains(2L);

    Files.writeString(file, "garbage, written in place");
    assertThat(source.read()).isEmpty();
    assertThat(errors).hasSize(1);
    StatusFiles.write(file, beat(3));
    assertThat(source.read()).map(WorkerStatus::sequence).contains(3L);
  }
}
