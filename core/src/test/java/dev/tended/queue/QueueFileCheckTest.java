package dev.tended.queue;

import dev.tended.config.SourceConfig;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueueFileCheckTest {
  @TempDir Path dir;

  @Test
  void wholeQueueFileIsOkWithItsItemsCounted() throws Exception {
    Path f = Files.writeString(dir.resolve("ideas_log.json"), "[{\"id\": 1}, {\"id\": 2}, {\"id\": 3}]");
    QueueFileCheck.Result r = QueueFileCheck.check(f, "id", SourceConfig.DEFAULT_MAX_ITEM_BYTES);
    assertThat(r.ok()).isTrue();
    assertThat(r.present()).isTrue();
    assertThat(r.items()).isEqualTo(3);
  }

  @Test
  void truncatedQueueFileIsNamedWithLineColumnAndReasonAndTheItemsBeforeIt() throws Exception {
    Path f = Files.writeString(dir.resolve("ideas_log.json"), "[\n  {\"id\": 1},\n  {\"id\": ");
    QueueFileCheck.Result r = QueueFileCheck.check(f, "id", SourceConfig.DEFAULT_MAX_ITEM_BYTES);
    assertThat(r.ok()).isFalse();
    assertThat(r.items()).isEqualTo(1);
    assertThat(r.fault().orElseThrow()).isEqualTo(new QueueFileCheck.Fault(3, 10, "unexpected end of input"));
  }

  @Test
  void missingQueueFileIsAbsentNotBroken() {
    QueueFileCheck.Result r = QueueFileCheck.check(dir.resolve("none.json"), "id", SourceConfig.DEFAULT_MAX_ITEM_BYTES);
    assertThat(r.ok()).isTrue();
    assertThat(r.present()).isFalse();
  }

  @Test
  void folderAtTheQueuePathIsAFaultWithoutALine() throws Exception {
    Path d = Files.createDirectory(dir.resolve("QAissue.json"));
    QueueFileCheck.Result r = QueueFileCheck.check(d, "id", SourceConfig.DEFAULT_MAX_ITEM_BYTES);
    assertThat(r.fault().orElseThrow().line()).isZero();
    assertThat(r.fault().orElseThrow().reason()).contains("not a regular file (directory)");
  }

  @Test
  void badLinesOfAJsonLinesFileAreCountedNotAFaultAndTheLinesAfterThemAreCounted() throws Exception {
    Path f = Files.writeString(dir.resolve("QAissue.json"),
        "{\"id\": 1}\n{\"id\": 2, \"ti{\"id\": 3}\nnot json\n{\"id\": 4}\n{\"id\": 5, \"unfini");
    QueueFileCheck.Result r = QueueFileCheck.check(f, "id", SourceConfig.DEFAULT_MAX_ITEM_BYTES);
    assertThat(r.ok()).as("bad lines and an unfinished last line are no fault of the file").isTrue();
    assertThat(r.items()).as("1, 3 (after the torn part of line 2), 4").isEqualTo(3);
    assertThat(r.badLineCount()).isEqualTo(2);
    assertThat(r.badLines()).extracting(QueueFileCheck.Fault::line).containsExactly(2, 3);
  }

  @Test
  void aZeroFilledSparseFileIsAFaultAtItsStartReadInNoTime() throws Exception {
    Path f = dir.resolve("ideas_log.json");
    try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(f.toFile(), "rw")) {
      raf.setLength(100L * 1024 * 1024 * 1024);
    }
    QueueFileCheck.Result r = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30),
        () -> QueueFileCheck.check(f, "id", SourceConfig.DEFAULT_MAX_ITEM_BYTES));
    assertThat(r.fault().orElseThrow().line()).isEqualTo(1);
  }
}
