package dev.tended.supervisor.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.supervisor.watch.StallReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stall records on disk: what is written, and that only the newest {@code stallRecordsKept} stay. */
class StallRecorderTest {
  @TempDir Path dir;

  private StallReport report(Instant at, String reason) throws IOException {
    Path status = dir.resolve("status.json");
    Files.writeString(status, "{\"schema\":1}");
    return new StallReport(at, Optional.empty(), reason, List.of("t0 worker_spawned"), status);
  }

  private List<String> reasonsOnDisk(Path diagnostics) throws IOException {
    List<String> reasons = new ArrayList<>();
    try (Stream<Path> files = Files.list(diagnostics)) {
      for (Path f : files.sorted().toList()) {
        Files.readAllLines(f).stream().filter(l -> l.startsWith("reason: ")).forEach(reasons::add);
      }
    }
    return reasons.stream().sorted().toList();
  }

  @Test
  void onlyTheNewestStallRecordsKeptRemainAfterMoreStalls() throws IOException {
    Path diagnostics = dir.resolve("diagnostics");
    StallRecorder recorder = new StallRecorder(diagnostics, 3, Duration.ofSeconds(1));
    Instant t = Instant.parse("2026-11-23T18:28:00Z");
    for (int i = 1; i <= 7; i++) {
      assertThat(recorder.capture(report(t.plusSeconds(i * 10L), "stall " + i))).isPresent();
    }
    assertThat(reasonsOnDisk(diagnostics)).containsExactly("reason: stall 5", "reason: stall 6", "reason: stall 7");
  }

  @Test
  void stallsWithinOneSecondKeepTheNewestEvenThoughTheirNamesShareATime() throws IOException {
    Path diagnostics = dir.resolve("diagnostics");
    StallRecorder recorder = new StallRecorder(diagnostics, 2, Duration.ofSeconds(1));
    Instant t = Instant.parse("2026-11-23T18:28:00Z");
    for (int i = 1; i <= 12; i++) {
      recorder.capture(report(t, "stall " + (char) ('a' + i)));
    }
    // stall-…Z.txt, stall-…Z-2.txt … stall-…Z-12.txt: the last two written are -11 and -12
    try (Stream<Path> files = Files.list(diagnostics)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .containsExactlyInAnyOrder("stall-20261123T182800Z-11.txt", "stall-20261123T182800Z-12.txt");
    }
    assertThat(reasonsOnDisk(diagnostics)).containsExactly("reason: stall l", "reason: stall m");
  }
}
