package dev.tended.testkit.faults;

import dev.tended.io.FileOps;
import dev.tended.io.FileOpsWrapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The test kit's {@link FileOpsWrapper} for the writes that record an outcome: with this jar on a
 * real worker's class path, a file in {@code <dataDir>/test-hooks/} acts on every force of a file
 * under {@code <dataDir>/results/} (the result file, written before the ledger transition), and on
 * nothing else (the heartbeat's own writes go on):
 *
 * <ul>
 *   <li>{@code wedge-result-writes}: the force blocks until the file is removed, as a write stuck
 *       on a hung disk or a lock would hold the handler thread recording the outcome;
 *   <li>{@code fail-result-writes}: the force fails with an {@link IOException}, as a full disk or a
 *       write-back error would, for as long as the file exists.
 * </ul>
 *
 * Without the files every operation is the real one. Thread-safe (stateless).
 */
public final class ResultWriteFaults implements FileOpsWrapper {
  /** Where a test creates the file that makes result writes block. */
  public static Path wedgeFile(Path dataDir) {
    return dataDir.resolve("test-hooks").resolve("wedge-result-writes");
  }

  /** Where a test creates the file that makes result writes fail. */
  public static Path failFile(Path dataDir) {
    return dataDir.resolve("test-hooks").resolve("fail-result-writes");
  }

  @Override
  public FileOps wrap(FileOps system) {
    return new Faulty(system);
  }

  /** The data folder of a file under its {@code results/} folder, if it is one. */
  static Optional<Path> dataDirOfResult(Path file) {
    for (Path p = file.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
      if (p.getFileName() != null && p.getFileName().toString().equals("results")) {
        return Optional.ofNullable(p.getParent());
      }
    }
    return Optional.empty();
  }

  private static final class Faulty extends ForwardingFileOps {
    Faulty(FileOps real) {
      super(real);
    }

    @Override
    public void force(FileChannel ch, Path file) throws IOException {
      Optional<Path> dataDir = dataDirOfResult(file);
      if (dataDir.isPresent()) {
        Hooks.holdWhileExists(wedgeFile(dataDir.get()));
        if (Files.exists(failFile(dataDir.get()))) {
          throw new IOException("simulated failure to force " + file + " (" + failFile(dataDir.get()) + " exists)");
        }
      }
      real.force(ch, file);
    }
  }
}
