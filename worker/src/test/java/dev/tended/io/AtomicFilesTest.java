package dev.tended.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
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
  void targetIsReplacedWholeAndNoTemporaryFileIsLeft() throws Exception {
    Path target = dir.resolve("status.json");
    AtomicFiles.write(target, "a much longer first version of the content".getBytes(StandardCharsets.UTF_8));
    AtomicFiles.write(target, "short".getBytes(StandardCharsets.UTF_8));
    assertThat(Files.readString(target)).isEqualTo("short");
    assertThat(names()).containsExactly("status.json");
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
    List<Path> temps = new java.util.ArrayList<>();

    assertThatThrownBy(() -> AtomicFiles.write(target, big, temp -> {
      temps.add(temp);
      return new FailingOnForce(FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
    })).isInstanceOf(IOException.class).hasMessageContaining("disk gone");

    assertThat(temps).singleElement().satisfies(t -> assertThat(t).doesNotExist());
    assertThat(Files.readString(target)).isEqualTo("old");
    assertThat(names()).containsExactly("status.json");

    AtomicFiles.write(target, big);
    assertThat(Files.readAllBytes(target)).isEqualTo(big);
    assertThat(names()).containsExactly("status.json");
  }

  /** A channel that writes through but whose {@code force} fails, like a disk dropping out. */
  private static final class FailingOnForce extends FileChannel {
    private final FileChannel real;

    FailingOnForce(FileChannel real) {
      this.real = real;
    }

    @Override public int read(ByteBuffer dst) throws IOException { return real.read(dst); }
    @Override public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
      return real.read(dsts, offset, length);
    }
    @Override public int write(ByteBuffer src) throws IOException { return real.write(src); }
    @Override public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      return real.write(srcs, offset, length);
    }
    @Override public long position() throws IOException { return real.position(); }
    @Override public FileChannel position(long p) throws IOException { real.position(p); return this; }
    @Override public long size() throws IOException { return real.size(); }
    @Override public FileChannel truncate(long size) throws IOException { real.truncate(size); return this; }
    @Override public void force(boolean metaData) throws IOException { throw new IOException("disk gone"); }
    @Override public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
      return real.transferTo(position, count, target);
    }
    @Override public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
      return real.transferFrom(src, position, count);
    }
    @Override public int read(ByteBuffer dst, long position) throws IOException { return real.read(dst, position); }
    @Override public int write(ByteBuffer src, long position) throws IOException { return real.write(src, position); }
    @Override public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
      return real.map(mode, position, size);
    }
    @Override public FileLock lock(long position, long size, boolean shared) throws IOException {
      return real.lock(position, size, shared);
    }
    @Override public FileLock tryLock(long position, long size, boolean shared) throws IOException {
      return real.tryLock(position, size, shared);
    }
    @Override protected void implCloseChannel() throws IOException { real.close(); }
  }
}
