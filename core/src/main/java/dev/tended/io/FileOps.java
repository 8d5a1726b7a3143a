package dev.tended.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The few file operations whose order and durability decide what survives a power cut: create a
 * file, force its data, rename it, create a folder, force a folder. {@link AtomicFiles} does all of
 * its durable work through this one seam, so that the test kit can record what was forced or make
 * forces fail in the real worker process (through a {@link FileOpsWrapper} on the test class path;
 * the product has none).
 */
public interface FileOps {
  /** Opens a new file for writing; fails when it exists. */
  FileChannel createNew(Path file) throws IOException;

  /** Forces {@code ch}'s data (and the metadata needed to read it back) to stable storage. */
  void force(FileChannel ch, Path file) throws IOException;

  /** Renames {@code from} over {@code to} atomically (replacing it when it exists). */
  void move(Path from, Path to) throws IOException;

  /** Creates one folder whose parent exists; fails when it exists. */
  void createDirectory(Path dir) throws IOException;

  /** Forces a folder's entries (names created, renamed or removed in it) to stable storage. */
  void forceDirectory(Path dir) throws IOException;

  /** The real file system. */
  FileOps SYSTEM = new FileOps() {
    @Override
    public FileChannel createNew(Path file) throws IOException {
      return FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    @Override
    public void force(FileChannel ch, Path file) throws IOException {
      ch.force(true);
    }

    @Override
    public void move(Path from, Path to) throws IOException {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void createDirectory(Path dir) throws IOException {
      Files.createDirectory(dir);
    }

    @Override
    public void forceDirectory(Path dir) throws IOException {
      try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
        ch.force(true);
      }
    }
  };
}
