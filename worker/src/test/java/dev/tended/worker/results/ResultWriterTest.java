package dev.tended.worker.results;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.io.SafeFileNames;
import dev.tended.status.ItemResult;
import dev.tended.status.StatusFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultWriterTest {
  @TempDir Path dir;

  private static ItemResult result(String id) {
    Instant at = Instant.parse("2026-01-01T00:00:00Z");
    return new ItemResult("ideas", id, "ab".repeat(32), "succeeded", 1, 0, at, at, 0, "exit 0", "", "");
  }

  @Test
  void anOlderWorkersResultUnderANameThatIsNowAnotherIdsIsMovedToItsOwnIdsNameFirst() throws Exception {
    String twin = SafeFileNames.legacyForId("a/b").orElseThrow();
    Path old = Files.createDirectories(dir.resolve("ideas")).resolve(twin + ".json");
    Files.write(old, StatusFiles.mapper().writeValueAsBytes(result("a/b")));
    ResultWriter writer = new ResultWriter(dir);

    writer.write(result(twin));

    assertThat(StatusFiles.mapper().readValue(old.toFile(), ItemResult.class).id()).isEqualTo(twin);
    assertThat(StatusFiles.mapper().readValue(writer.fileFor("ideas", "a/b").toFile(), ItemResult.class).id())
        .isEqualTo("a/b");
  }
}
