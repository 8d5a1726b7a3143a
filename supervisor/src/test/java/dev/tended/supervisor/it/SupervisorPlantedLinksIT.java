package dev.tended.supervisor.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.testkit.TestConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The supervisor refuses to start on a planted link it would write through, and leaves its target alone. */
class SupervisorPlantedLinksIT {
  private static final Instant OLD = Instant.parse("2020-01-01T00:00:00Z");

  @TempDir Path dir;

  private void refusesToStart(String linkName) throws Exception {
    TestConfig c = new TestConfig(dir);
    c.source(TestConfig.jsonQueue("ideas", "ideas_log.json", c.script("ok.sh", "exit 0"), "")).write();
    Path precious = Files.createDirectories(dir.resolve("outside")).resolve("precious.txt");
    Files.writeString(precious, "keep me\n");
    Files.setLastModifiedTime(precious, FileTime.from(OLD));
    Path link = Files.createSymbolicLink(c.dataDir().resolve(linkName), precious);
    try (Supervisor sup = Supervisor.start(c.file(), c.dataDir(), Map.of())) {
      assertThat(sup.process().awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
      assertThat(sup.log()).contains(link + ": is a symbolic link");
    }
    assertThat(Files.readString(precious)).isEqualTo("keep me\n");
    assertThat(Files.getLastModifiedTime(precious).toInstant()).isEqualTo(OLD);
    assertThat(c.dataDir().resolve("status.json")).doesNotExist();
  }

  @Test
  void aLinkedLogFolderMakesTheSupervisorRefuseToStart() throws Exception {
    Files.createDirectories(dir.resolve("outside"));
    refusesToStart("logs");
  }

  @Test
  void aLinkedLockFileMakesTheSupervisorRefuseToStartWithoutTruncatingItsTarget() throws Exception {
    refusesToStart("supervisor.lock");
  }
}
