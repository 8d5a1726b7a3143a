package dev.tended.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalStreamTest {
  private static final Path FD = Path.of("/proc/self/fd/2");

  @Test
  void withoutJournalStreamNothingIsTheJournal() {
    assertThat(JournalStream.connected(Map.of(), FD, fd -> Optional.of("8:42"))).isFalse();
    assertThat(JournalStream.connected(Map.of("JOURNAL_STREAM", ""), FD, fd -> Optional.of("8:42"))).isFalse();
  }

  @Test
  void theVariableCountsOnlyForTheDescriptorItNames() {
    Map<String, String> env = Map.of("JOURNAL_STREAM", "8:42");
    assertThat(JournalStream.connected(env, FD, fd -> Optional.of("8:42"))).isTrue();
    assertThat(JournalStream.connected(env, FD, fd -> Optional.of("8:43")))
        .as("inherited variable, output redirected elsewhere").isFalse();
  }

  @Test
  void whereTheDescriptorCannotBeExaminedTheVariableAloneDecides() {
    assertThat(JournalStream.connected(Map.of("JOURNAL_STREAM", "8:42"), FD, fd -> Optional.empty())).isTrue();
  }

  @Test
  void deviceAndInodeAreWhatStatSays(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("f"), "x");
    Optional<String> stat = stat(file);
    assumeThat(stat).as("stat(1) available").isPresent();
    assertThat(JournalStream.deviceAndInode(file)).isEqualTo(stat);
  }

  private static Optional<String> stat(Path file) throws InterruptedException {
    try {
      Process p = new ProcessBuilder("stat", "-L", "-c", "%d:%i", file.toString()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.waitFor() == 0 ? Optional.of(out) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
