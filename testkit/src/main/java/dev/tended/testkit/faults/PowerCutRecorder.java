package dev.tended.testkit.faults;

import dev.tended.io.FileOps;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Test wrapper that records, in a {@link PowerCutShadow}, what a power cut would keep: each name
 * created, each file whose data was forced, and at each folder force the folder's entries. The
 * entries are taken just before the real force, so only what existed before it started counts as
 * durable. {@link PowerCut#apply} then drops or tears everything else, as LevelDB's fault-injection
 * environment and Lucene's {@code MockDirectoryWrapper.crash()} do. Thread-safe.
 */
final class PowerCutRecorder implements FileOps {
  private final FileOps real;
  private final PowerCutShadow shadow;

  PowerCutRecorder(FileOps real, PowerCutShadow shadow) {
    this.real = Objects.requireNonNull(real, "real");
    this.shadow = Objects.requireNonNull(shadow, "shadow");
  }

  @Override
  public FileChannel createNew(Path file) throws IOException {
    shadow.created(file);
    FileChannel ch = real.createNew(file);
    try {
      shadow.newFile(PowerCutShadow.key(file));
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    return ch;
  }

  @Override
  public void force(FileChannel ch, Path file) throws IOException {
    real.force(ch, file);
    shadow.forced(PowerCutShadow.key(file));
  }

  @Override
  public void move(Path from, Path to) throws IOException {
    shadow.created(to);
    real.move(from, to);
  }

  @Override
  public void createDirectory(Path dir) throws IOException {
    shadow.created(dir);
    real.createDirectory(dir);
  }

  @Override
  public void forceDirectory(Path dir) throws IOException {
    shadow.snapshot(dir);
    real.forceDirectory(dir);
  }
}
