package dev.tended.worker.handler;

import dev.tended.io.DataFolder;
import dev.tended.posix.Fifo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * The files of one attempt besides its bounded output, next to that output in the item's work folder
 * ({@code attempt-N.stdout.fifo}, {@code attempt-N.stderr.fifo}, {@code attempt-N.exit}): what the
 * waiter and any worker that watches it share, so that an attempt survives the worker that started
 * it. Derived from the request alone, so an adopting worker finds the same ones. Immutable.
 */
record AttemptFiles(Path stdoutFifo, Path stderrFifo, Path exitFile) {

  /** The exit status the waiter recorded, and when (the file's mtime: the handler's end). */
  record RecordedExit(int code, Instant at) {}

  static AttemptFiles of(HandlerRequest request) {
    Path out = request.stdoutFile().toAbsolutePath();
    Path err = request.stderrFile().toAbsolutePath();
    String name = out.getFileName().toString();
    String base = name.endsWith(".stdout") ? name.substring(0, name.length() - ".stdout".length()) : name;
    return new AttemptFiles(out.resolveSibling(out.getFileName() + ".fifo"),
        err.resolveSibling(err.getFileName() + ".fifo"), out.resolveSibling(base + ".exit"));
  }

  /** Makes fresh FIFOs and removes an exit status an earlier run left, before a start. */
  void prepare() throws IOException {
    DataFolder.createDirectories(exitFile.getParent());
    DataFolder.check(exitFile.getParent());
    Files.deleteIfExists(exitFile);
    Files.deleteIfExists(tempExitFile());
    Fifo.create(stdoutFifo);
    Fifo.create(stderrFifo);
  }

  /** The recorded exit status, or empty while there is none (or it cannot be read as one). */
  Optional<RecordedExit> recordedExit() {
    try {
      if (!Files.isRegularFile(exitFile, LinkOption.NOFOLLOW_LINKS)) {
        return Optional.empty();
      }
      Instant at = Files.getLastModifiedTime(exitFile, LinkOption.NOFOLLOW_LINKS).toInstant();
      String text = new String(Files.readAllBytes(exitFile), StandardCharsets.US_ASCII).trim();
      return Optional.of(new RecordedExit(Integer.parseInt(text), at));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * Removes the FIFOs and the exit status: once the outcome is recorded, or for an attempt that never
   * got going. Until then they stay, so that a worker that dies in between leaves the next one an exit
   * status to collect (and pipes to drain), not a handler gone without one, which would run again.
   * What cannot go is left for the next attempt's {@link #prepare}.
   */
  void remove() {
    removeEach(stdoutFifo, stderrFifo, exitFile, tempExitFile());
  }

  private static void removeEach(Path... paths) {
    for (Path p : paths) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        // Left for the next attempt's prepare, which replaces them.
      }
    }
  }

  private Path tempExitFile() {
    return exitFile.resolveSibling(exitFile.getFileName() + ".tmp");
  }
}
