package dev.tended.testkit.faults;

import dev.tended.io.FileOps;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Objects;

/** A {@link FileOps} that hands every operation to another: the faults override the ones they break. */
abstract class ForwardingFileOps implements FileOps {
  protected final FileOps real;

  ForwardingFileOps(FileOps real) {
    this.real = Objects.requireNonNull(real, "real");
  }

  @Override
  public FileChannel createNew(Path file) throws IOException {
    return real.createNew(file);
  }

  @Override
  public void force(FileChannel ch, Path file) throws IOException {
    real.force(ch, file);
  }

  @Override
  public void move(Path from, Path to) throws IOException {
    real.move(from, to);
  }

  @Override
  public void createDirectory(Path dir) throws IOException {
    real.createDirectory(dir);
  }

  @Override
  public void forceDirectory(Path dir) throws IOException {
    real.forceDirectory(dir);
  }
}
