package dev.tended.queue;

import java.io.IOException;

/**
 * Carries an {@link ItemSink}'s exception through the reading code, so that it is not mistaken for a
 * failure to read the queue; {@link QueueSource#poll} rethrows the original.
 */
public final class SinkFailedException extends IOException {
  SinkFailedException(IOException cause) {
    super(cause.getMessage(), cause);
  }

  @Override
  public synchronized IOException getCause() {
    return (IOException) super.getCause();
  }
}
