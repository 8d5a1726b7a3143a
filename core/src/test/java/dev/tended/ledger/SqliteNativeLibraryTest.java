package dev.tended.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteNativeLibraryTest {
  @TempDir Path dir;

  @Test
  void theNativeLibraryIsExtractedOnceUnderItsContentsNameAndReusedAfterwards() throws Exception {
    Path first = SqliteNativeLibrary.cachedCopy(dir).orElseThrow();
    long written = Files.getLastModifiedTime(first).toMillis();
    Path second = SqliteNativeLibrary.cachedCopy(dir).orElseThrow();

    assertThat(second).isEqualTo(first);
    assertThat(Files.getLastModifiedTime(second).toMillis()).as("reused, not written again").isEqualTo(written);
    assertThat(first.getFileName().toString()).startsWith("sqlite-").endsWith("libsqlitejdbc.so");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).as("nothing half-written left beside it").containsExactly(first);
    }
  }

  @Test
  void aTruncatedCopyIsReplacedByAWholeOne() throws Exception {
    Path copy = SqliteNativeLibrary.cachedCopy(dir).orElseThrow();
    long size = Files.size(copy);
    Files.write(copy, new byte[10]);
    assertThat(SqliteNativeLibrary.cachedCopy(dir).orElseThrow()).isEqualTo(copy);
    assertThat(Files.size(copy)).isEqualTo(size);
  }
}
