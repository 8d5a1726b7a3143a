package dev.tended.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusProbeTest {
  @TempDir Path dir;

  @Test
  void absentStatusFileIsEmptyButAHalfWrittenOneFailsTheTest() throws Exception {
    StatusProbe probe = new StatusProbe(dir.resolve("status.json"));
    assertThat(probe.read()).isEmpty();
    Files.writeString(dir.resolve("status.json"), "{\"schema\": 1, \"pid\": 12");
    assertThatThrownBy(probe::read).isInstanceOf(AssertionError.class).hasMessageContaining("does not parse");
  }
}
