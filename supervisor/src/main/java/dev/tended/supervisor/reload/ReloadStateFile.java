package dev.tended.supervisor.reload;

import dev.tended.io.AtomicFiles;
import dev.tended.status.StatusFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/** Reads and atomically replaces {@code dataDir/reload-state.json} ({@link ReloadState}). Stateless. */
public final class ReloadStateFile {
  /** The file name under {@code dataDir}. */
  public static final String NAME = "reload-state.json";

  private ReloadStateFile() {}

  /** The file of {@code dataDir}. */
  public static Path in(Path dataDir) {
    return dataDir.resolve(NAME);
  }

  /** The file's state; empty when there is none. Throws when it exists but cannot be read or parsed. */
  public static Optional<ReloadState> read(Path file) throws IOException {
    try {
      return Optional.of(StatusFiles.mapper().readValue(Files.readAllBytes(file), ReloadState.class));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** Replaces the file atomically. */
  public static void write(Path file, ReloadState state) throws IOException {
    AtomicFiles.write(file, StatusFiles.mapper().writeValueAsBytes(state));
  }
}
