package dev.tended.testing;

import dev.tended.status.StatusFiles;
import dev.tended.status.WorkerStatus;
import java.nio.file.Path;
import java.util.Optional;

/** Reads a status file, treating "absent" and "unreadable" alike as empty: for waiting on conditions. */
public final class StatusProbe {
  private final Path file;

  public StatusProbe(Path file) {
    this.file = file;
  }

  public Optional<WorkerStatus> read() {
    try {
      return Optional.of(StatusFiles.read(file));
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  public long sequence() {
    return read().map(WorkerStatus::sequence).orElse(-1L);
  }
}
