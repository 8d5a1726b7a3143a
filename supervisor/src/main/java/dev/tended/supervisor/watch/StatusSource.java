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

  /**
   * Reads {@code file}; {@code onError} hears about files that exist but do not parse. A file that has
   * the same identity, size and modification time as at the last read is not parsed again: the worker
   * replaces it by rename, so every beat is a new file, and an unchanged one costs a {@code stat}.
   */
  static StatusSource of(Path file, java.util.function.Consumer<String> onError) {
    return new StatusSource() {
      private Object lastKey;
      private Optional<WorkerStatus> last = Optional.empty();

      @Override
      public Optional<WorkerStatus> read() {
        try {
          java.nio.file.attribute.BasicFileAttributes a =
              java.nio.file.Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
          Object key = java.util.List.of(String.valueOf(a.fileKey()), a.size(), a.lastModifiedTime());
          if (key.equals(lastKey)) {
            return last;
          }
          Optional<WorkerStatus> now = Optional.of(StatusFiles.read(file));
          lastKey = key;
          last = now;
          return now;
        } catch (NoSuchFileException e) {
          lastKey = null;
          return Optional.empty();
        } catch (IOException | RuntimeException e) {
          lastKey = null;
          onError.accept(e.getMessage());
          return Optional.empty();
        }
      }
    };
  }
}
