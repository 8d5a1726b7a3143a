package dev.tended.testkit.faults;

import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The test hooks' one way of holding a thread: while a hook file exists, as a wedge does. */
final class Hooks {
  private static final long CHECK_MS = 100;

  private Hooks() {}

  /** Blocks the calling thread until {@code hook} does not exist; an interrupt ends the wait with an exception. */
  static void holdWhileExists(Path hook) throws InterruptedIOException {
    try {
      while (Files.exists(hook)) {
        Thread.sleep(CHECK_MS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while wedged by " + hook);
    }
  }
}
