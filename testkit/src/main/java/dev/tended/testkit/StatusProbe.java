package dev.tended.testkit;

import dev.tended.status.StatusFiles;
import dev.tended.status.WorkerStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads a status file for waiting on conditions: "absent" is empty, but a file that exists and does
 * not parse fails the test, since the worker replaces it atomically and a reader must never see it
 * half-written.
 */
public final class StatusProbe {
  private final Path file;

  public StatusProbe(Path file) {
    this.file = file;
  }

  /** The status, empty when there is no file yet; throws {@link AssertionError} when it does not parse. */
  public Optional<WorkerStatus> read() {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(StatusFiles.read(file));
    } catch (NoSuchFileException gone) {
      return Optional.empty();
    } catch (IOException e) {
      throw new AssertionError("status file " + file + " exists but does not parse: " + e.getMessage(), e);
    }
  }

  public long sequence() {
    return read().map(WorkerStatus::sequence).orElse(-1L);
  }

}
