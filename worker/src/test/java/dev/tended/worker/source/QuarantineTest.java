package dev.tended.worker.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.queue.FileStamp;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuarantineTest {
  @TempDir Path dir;

  private Path folder() {
    return dir.resolve("quarantine").resolve("ideas");
  }

  private static FileStamp stamp(Path file) throws IOException {
    return FileStamp.of(Files.readAttributes(file, BasicFileAttributes.class));
  }

  private List<Path> kept() throws IOException {
    try (Stream<Path> s = Files.list(folder())) {
      return s.toList();
    }
  }

  private static long bytes(List<Path> files) throws IOException {
    long n = 0;
    for (Path p : files) {
      n += Files.size(p);
    }
    return n;
  }

  @Test
  void twentyBrokenVersionsOfATwoMebibyteFileLeaveAtMostKeptCopiesOfAtMostTheWindowEach() throws IOException {
    Path file = dir.resolve("ideas_log.json");
    Files.write(file, ("[" + "{\"id\": \"x\"},".repeat(2 * 1024 * 1024 / 12)).getBytes(StandardCharsets.UTF_8));
    Quarantine quarantine = new Quarantine(folder(), Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC), 5);

    for (int i = 0; i < 20; i++) {
      Files.writeString(file, "oops" + i, StandardOpenOption.APPEND);
      quarantine.keepVersion(file, stamp(file), Files.size(file) - 5);
    }

    List<Path> kept = kept();
    assertThat(kept).hasSize(5);
    assertThat(bytes(kept)).isLessThanOrEqualTo(5 * Quarantine.MAX_COPY_BYTES);
    assertThat(kept).allSatisfy(p -> assertThat(p.getFileName().toString()).contains(".bytes-"));
    assertThat(kept.stream().anyMatch(p -> {
      try {
        return Files.readString(p).endsWith("oops19");
      } catch (IOException e) {
        return false;
      }
    })).as("the newest version, around its fault, is among the copies").isTrue();
  }

  @Test
  void aSparseHundredGibibyteFileIsCopiedAsOneSmallWindow() throws IOException {
    Path file = dir.resolve("ideas_log.json");
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(100L * 1024 * 1024 * 1024);
    }
    Quarantine quarantine = new Quarantine(folder(), Clock.systemUTC(), 20);

    Path copy = quarantine.keepVersion(file, stamp(file), 0);

    assertThat(Files.size(copy)).isEqualTo(Quarantine.MAX_COPY_BYTES);
    assertThat(copy.getFileName().toString()).endsWith(".bytes-0-" + Quarantine.MAX_COPY_BYTES);
  }

  @Test
  void aTemporaryCopyLeftByAKilledWorkerIsRemovedAndNeverKept() throws IOException {
    Path file = dir.resolve("ideas_log.json");
    Files.writeString(file, "[{\"id\": ");
    Files.createDirectories(folder());
    Path leftover = folder().resolve(".ideas_log.json.tmp-0123abcd");
    Files.writeString(leftover, "half a cop");

    Path copy = new Quarantine(folder(), Clock.systemUTC(), 20).keepVersion(file, stamp(file), -1);

    assertThat(kept()).containsExactly(copy);
    assertThat(copy).hasContent("[{\"id\": ");
  }

  @Test
  void aBadLineIsCopiedAloneAndNotTwiceByARestartedWorker() throws IOException {
    Path file = dir.resolve("QAissue.json");
    Files.writeString(file, "{\"id\": \"a\"}\nnot json\n{\"id\": \"b\"}\nnot json\n");
    Quarantine quarantine = new Quarantine(folder(), Clock.systemUTC(), 20);

    Path first = quarantine.keepLine(file, stamp(file), 2, 12, 20);
    Path other = quarantine.keepLine(file, stamp(file), 4, 33, 41);
    Path again = new Quarantine(folder(), Clock.systemUTC(), 20).keepLine(file, stamp(file), 2, 12, 20);

    assertThat(first).hasContent("not json");
    assertThat(first.getFileName().toString()).endsWith(".line-2");
    assertThat(other).hasContent("not json").isNotEqualTo(first);
    assertThat(again).isEqualTo(first);
    assertThat(kept()).hasSize(2);
  }
}
