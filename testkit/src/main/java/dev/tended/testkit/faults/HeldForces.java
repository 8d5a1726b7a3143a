package dev.tended.testkit.faults;

import dev.tended.io.FileOps;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Test wrapper: the force of a file whose path contains {@code pathPart} never returns; first it
 * writes that path into {@code signal}. So a test can kill the worker at a known point of a write
 * (the data written, not yet forced nor renamed) without sleeping. Forces of other files and of
 * folders go through. Thread-safe.
 */
final class HeldForces implements FileOps {
  private final FileOps real;
  private final String pathPart;
  private final Path signal;

  HeldForces(FileOps real, String pathPart, Path signal) {
    this.real = Objects.requireNonNull(real, "real");
    this.pathPart = Objects.requireNonNull(pathPart, "pathPart");
    this.signal = Objects.requireNonNull(signal, "signal");
  }

  @Override
  public FileChannel createNew(Path file) throws IOException {
    return real.createNew(file);
  }

  @Override
  public void force(FileChannel ch, Path file) throws IOException {
    if (!file.toString().contains(pathPart)) {
      real.force(ch, file);
      return;
    }
    Files.writeString(signal, file.toString(), StandardCharsets.UTF_8);
    Object never = new Object();
    synchronized (never) {
      while (true) {
        try {
          never.wait();
        } catch (InterruptedException e) {
          // held until the process is killed
        }
      }
    }
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
