package dev.tended.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class IoErrorsTest {
  @Test
  void permissionDeniedNamesTheFileAndSaysSo() {
    assertThat(IoErrors.describe(new AccessDeniedException("/data/results/qa/x.json")))
        .isEqualTo("/data/results/qa/x.json: permission denied");
  }

  @Test
  void aFullDiskIsCalledThatWhereverItIsInTheCauses() {
    IOException enospc = new FileSystemException("/data/status.json", null, "No space left on device");
    assertThat(IoErrors.diskFull(new RuntimeException("write failed", enospc))).isTrue();
    assertThat(IoErrors.describe(enospc)).isEqualTo("disk full: /data/status.json: No space left on device");
    RuntimeException sqlite = new RuntimeException("record items of ideas: [SQLITE_FULL] database or disk is full",
        new SQLException("[SQLITE_FULL]"));
    assertThat(IoErrors.describe(sqlite)).startsWith("disk full: record items of ideas");
  }

  @Test
  void otherFailuresKeepTheirMessage() {
    assertThat(IoErrors.diskFull(new IOException("Broken pipe"))).isFalse();
    assertThat(IoErrors.describe(new IOException("Broken pipe"))).isEqualTo("Broken pipe");
  }
}
