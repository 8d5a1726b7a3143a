package dev.tended.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  private List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void temporaryFilesLeftByAKilledWriterAreRemovedAndNothingElse() throws Exception {
    Path target = dir.resolve("status.json");
    AtomicFiles.write(target, "{}".getBytes(StandardCharsets.UTF_8));
    Files.writeString(dir.resolve(".status.json.tmp-1a2b"), "half");
    Files.writeString(dir.resolve(".status.json.tmp-ffff"), "");
    Files.writeString(dir.resolve(".other.json.tmp-1a2b"), "not ours");
    assertThat(AtomicFiles.removeStaleTemps(target)).isEqualTo(2);
    assertThat(names()).containsExactly(".other.json.tmp-1a2b", "status.json");
  }

  @Test
  void targetIsReplacedWholeAndNoTemporaryFileIsLeft() throws Exception {
    Path target = dir.resolve("status.json");
    AtomicFiles.write(target, "a much longer first version of the content".getBytes(StandardCharsets.UTF_8));
    AtomicFiles.write(target, "short".getBytes(StandardCharsets.UTF_8));
    assertThat(Files.readString(target)).isEqualTo("short");
    assertThat(names()).containsExactly("status.json");
  }

  @Test
  void aWriteWithPermissionsGivesTheFileExactlyThoseWhateverTheUmask() throws Exception {
    Path target = dir.resolve("tended.prom");
    // rw-rw-rw-: more than any usual umask (022, 027, 077) lets a new file have
    Set<PosixFilePermission> wide = PosixFilePermissions.fromString("rw-rw-rw-");
    AtomicFiles.write(target, "a 1\n".getBytes(StandardCharsets.UTF_8), wide);
    assertThat(Files.getPosixFilePermissions(target)).isEqualTo(wide);
    assertThat(Files.readString(target)).isEqualTo("a 1\n");
    assertThat(names()).containsExactly("tended.prom");
  }

  @Test
  void missingParentFoldersAreCreated() throws Exception {
    Path target = dir.resolve("results/ideas/1.json");
    AtomicFiles.write(target, "{}".getBytes(StandardCharsets.UTF_8));
    assertThat(Files.readString(target)).isEqualTo("{}");
  }

  @Test
  void writeThatFailsOnForceKeepsTheOldContentRemovesTheTempFileAndTheNextWriteStartsAfresh() throws Exception {
    Path target = dir.resolve("status.json");
    AtomicFiles.write(target, "old".getBytes(StandardCharsets.UTF_8));
    byte[] big = "new content ".repeat(10_000).getBytes(StandardCharsets.UTF_8);
    FailingOnForce disk = new FailingOnForce();

    assertThatThrownBy(() -> AtomicFiles.write(target, big, disk))
        .isInstanceOf(IOException.class).hasMessageContaining("disk gone");

    assertThat(disk.temps).singleElement().satisfies(t -> assertThat(t).doesNotExist());
    assertThat(Files.readString(target)).isEqualTo("old");
    assertThat(names()).containsExactly("status.json");

    AtomicFiles.write(target, big);
    assertThat(Files.readAllBytes(target)).isEqualTo(big);
    assertThat(names()).containsExactly("status.json");
  }

  /** The real file system, except that {@code force} fails like a disk dropping out; remembers the temp files. */
  private static final class FailingOnForce implements FileOps {
    final List<Path> temps = new java.util.ArrayList<>();

    @Override public FileChannel createNew(Path file) throws IOException {
      temps.add(file);
      return SYSTEM.createNew(file);
    }
    @Override public void force(FileChannel ch, Path file) throws IOException { throw new IOException("disk gone"); }
    @Override public void move(Path from, Path to) throws IOException { SYSTEM.move(from, to); }
    @Override public void createDirectory(Path dir) throws IOException { SYSTEM.createDirectory(dir); }
    @Override public void forceDirectory(Path dir) throws IOException { SYSTEM.forceDirectory(dir); }
  }
}
