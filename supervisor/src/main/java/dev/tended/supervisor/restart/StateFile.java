package dev.tended.supervisor.restart;

import dev.tended.io.AtomicFiles;
import dev.tended.status.StatusFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads and atomically rewrites {@code dataDir/supervisor-state.json}, so that "restarts in the last
 * hour" survives a supervisor restart. The file is small and written only on changes (a start, a
 * crash, a stall, a stop), never per check.
 */
public final class StateFile {
  /** The file name under {@code dataDir}. */
  public static final String NAME = "supervisor-state.json";

  private StateFile() {}

  /** The file of {@code dataDir}. */
  public static Path in(Path dataDir) {
    return dataDir.resolve(NAME);
  }

  /** Reads the file; empty when it does not exist. Throws when it exists but cannot be read or parsed. */
  public static Optional<SupervisorState> read(Path file) throws IOException {
    try {
      return Optional.of(StatusFiles.mapper().readValue(Files.readAllBytes(file), SupervisorState.class));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** Replaces the file atomically. */
  public static void write(Path file, SupervisorState state) throws IOException {
    AtomicFiles.write(file, StatusFiles.mapper().writeValueAsBytes(state));
  }

  /** {@code restarts} plus {@code event}, without those older than a day, at most {@link SupervisorState#KEPT}. */
  static List<RestartEvent> append(List<RestartEvent> restarts, RestartEvent event, Instant now) {
    List<RestartEvent> out = new ArrayList<>();
    Instant dayAgo = now.minus(Duration.ofDays(1));
    for (RestartEvent r : restarts) {
      if (r.at() != null && r.at().isAfter(dayAgo)) {
        out.add(r);
      }
    }
    out.add(event);
    while (out.size() > SupervisorState.KEPT) {
      out.remove(0);
    }
    return out;
  }
}
