package dev.tended.supervisor.alerts;

import dev.tended.io.AtomicFiles;
import dev.tended.status.StatusFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@code dataDir/alerts-state.json}: which alerts fire and what is still to be sent, so that neither a
 * restart of the supervisor nor one of the worker sends a firing alert again (until
 * {@code repeatEvery}) or loses one not yet delivered. Rewritten atomically on every change.
 */
final class AlertStateFile {
  static final int SCHEMA = 1;

  /** One firing alert as remembered. */
  record Firing(AlertKey key, String detail, String occurrence, Instant since, Instant lastSentAt) {}

  /**
   * The occurrence an alert last resolved with (a restart's time): the same occurrence found again,
   * e.g. by a supervisor that starts while no worker has beaten yet, is not a new incident.
   */
  record Resolved(AlertKey key, String occurrence) {}

  /** The whole file ({@code resolved} absent in files written before it: read as none). */
  record Saved(int schema, List<Firing> firing, List<Notification> outbox, List<Resolved> resolved) {
    Saved {
      firing = firing == null ? List.of() : List.copyOf(firing);
      outbox = outbox == null ? List.of() : List.copyOf(outbox);
      resolved = resolved == null ? List.of() : List.copyOf(resolved);
    }
  }

  private AlertStateFile() {}

  /** The file's content; empty when there is none yet. Throws when it cannot be read or parsed. */
  static Optional<Saved> read(Path file) throws IOException {
    try {
      return Optional.of(StatusFiles.mapper().readValue(Files.readAllBytes(file), Saved.class));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  static void write(Path file, Saved saved) throws IOException {
    AtomicFiles.write(file, StatusFiles.mapper().writeValueAsBytes(saved));
  }
}
