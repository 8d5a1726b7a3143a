package dev.tended.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataFolderTest {
  @TempDir Path tmp;
  Path data;
  Path outside;
  Path precious;
  DataFolderLock lock;

  @BeforeEach
  void holdTheDataFolder() throws IOException {
    data = Files.createDirectories(tmp.resolve("data"));
    outside = Files.createDirectories(tmp.resolve("outside"));
    precious = outside.resolve("precious.txt");
    Files.writeString(precious, "keep me\n");
    Files.setLastModifiedTime(precious, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
    lock = DataFolderLock.tryAcquire(data.resolve(DataFolderLock.WORKER)).orElseThrow();
  }

  @AfterEach
  void release() {
    lock.close();
  }

  private void assertOutsideUnchanged() throws IOException {
    assertThat(Files.readString(precious)).isEqualTo("keep me\n");
    assertThat(Files.getLastModifiedTime(precious).toInstant()).isEqualTo(Instant.parse("2020-01-01T00:00:00Z"));
    try (Stream<Path> s = Files.list(outside)) {
      assertThat(s).containsExactly(precious);
    }
  }

  @Test
  void anAtomicWriteIntoALinkedFolderIsRefusedAndNamesTheLink() throws IOException {
    Files.createDirectories(data.resolve("results"));
    Path link = Files.createSymbolicLink(data.resolve("results/ideas"), outside);
    assertThatThrownBy(() -> AtomicFiles.write(data.resolve("results/ideas/i1.json"), "{}".getBytes()))
        .isInstanceOf(PlantedLinkException.class).hasMessageContaining(link.toString())
        .hasMessageContaining("symbolic link");
    assertOutsideUnchanged();
  }

  @Test
  void aLinkedFolderHigherUpIsRefusedTooAndNothingIsCreatedInsideItsTarget() throws IOException {
    Files.createSymbolicLink(data.resolve("results"), outside);
    assertThatThrownBy(() -> AtomicFiles.write(data.resolve("results/ideas/i1.json"), "{}".getBytes()))
        .isInstanceOf(PlantedLinkException.class);
    assertThatThrownBy(() -> DataFolder.createDirectories(data.resolve("results/x/y")))
        .isInstanceOf(PlantedLinkException.class);
    assertOutsideUnchanged();
  }

  @Test
  void aLinkAtAnAtomicallyReplacedFileIsReplacedNotWrittenThrough() throws IOException {
    Path status = Files.createSymbolicLink(data.resolve("status.json"), precious);
    AtomicFiles.write(status, "{\"schema\":1}".getBytes());
    assertThat(Files.isSymbolicLink(status)).isFalse();
    assertThat(Files.readString(status)).isEqualTo("{\"schema\":1}");
    assertOutsideUnchanged();
  }

  @Test
  void aFileWrittenInPlaceIsNeverOpenedThroughALink() throws IOException {
    Path folder = Files.createDirectories(data.resolve("work/ideas/i1/0123"));
    Path input = Files.createSymbolicLink(folder.resolve("input.json"), precious);
    assertThatThrownBy(() -> DataFolder.write(input, "{}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(PlantedLinkException.class).hasMessageContaining(input.toString());
    assertOutsideUnchanged();
  }

  @Test
  void aLinkedWorkFolderIsRefusedBeforeAnythingIsMadeInIt() throws IOException {
    Files.createDirectories(data.resolve("work/ideas"));
    Files.createSymbolicLink(data.resolve("work/ideas/i1"), outside);
    assertThatThrownBy(() -> DataFolder.write(data.resolve("work/ideas/i1/0123/input.json"), new byte[0]))
        .isInstanceOf(PlantedLinkException.class);
    assertOutsideUnchanged();
  }

  @Test
  void aLinkedLockFileIsRefusedAndItsTargetIsNotTruncated() throws IOException {
    Path other = Files.createDirectories(tmp.resolve("other"));
    Path link = Files.createSymbolicLink(other.resolve(DataFolderLock.WORKER), precious);
    assertThatThrownBy(() -> DataFolderLock.tryAcquire(link)).isInstanceOf(PlantedLinkException.class);
    assertOutsideUnchanged();
  }

  @Test
  void theDataFolderItselfMayBeALink() throws IOException {
    lock.close();
    Path linked = Files.createSymbolicLink(tmp.resolve("linked-data"), data);
    try (DataFolderLock l = DataFolderLock.tryAcquire(linked.resolve(DataFolderLock.WORKER)).orElseThrow()) {
      AtomicFiles.write(linked.resolve("results/ideas/i1.json"), "{}".getBytes());
      assertThat(data.resolve("results/ideas/i1.json")).exists();
    }
    lock = DataFolderLock.tryAcquire(data.resolve(DataFolderLock.WORKER)).orElseThrow();
  }
}
