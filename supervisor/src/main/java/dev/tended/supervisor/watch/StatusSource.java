package dev.tended.supervisor.watch;

import dev.tended.status.StatusFiles;
import dev.tended.status.WorkerStatus;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One read of the heartbeat file. A missing or unreadable file is simply no beat; the detector's
 * deadlines decide what that means.
 */
@FunctionalInterface
interface StatusSource {
  /** The status file now, or empty when it is missing or does not parse. */
  Optional<WorkerStatus> read();

  /** Reads {@code file}; {@code onError} hears about files that exist but do not parse. */
  static StatusSource of(Path file, java.util.function.Consumer<String> onError) {
    return () -> {
      try {
        return Optional.of(StatusFiles.read(file));
      } catch (NoSuchFileException e) {
        return Optional.empty();
      } catch (IOException | RuntimeException e) {
        onError.accept(e.getMessage());
        return Optional.empty();
      }
    };
  }
}
