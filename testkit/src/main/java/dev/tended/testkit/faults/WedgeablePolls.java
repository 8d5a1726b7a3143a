package dev.tended.testkit.faults;

import dev.tended.queue.ItemSink;
import dev.tended.queue.PollOutcome;
import dev.tended.queue.QueueSource;
import dev.tended.queue.QueueSourceWrapper;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The test kit's {@link QueueSourceWrapper}: with this jar on a real worker's class path, the file
 * {@code <dataDir>/test-hooks/wedge-poller-<source>} makes that source's poll block, inside the
 * poll, until the file is removed, so tests can prove that a wedged poller stops the heartbeat and
 * gets the worker replaced. Without the file a poll is the real one.
 */
public final class WedgeablePolls implements QueueSourceWrapper {
  private static final long CHECK_MS = 100;

  /** Where a test creates the wedge file for {@code source}. */
  public static Path wedgeFile(Path dataDir, String source) {
    return dataDir.resolve("test-hooks").resolve("wedge-poller-" + source);
  }

  @Override
  public QueueSource wrap(QueueSource source, Path dataDir) {
    Path wedge = wedgeFile(dataDir, source.name());
    return new QueueSource() {
      @Override
      public String name() {
        return source.name();
      }

      @Override
      public PollOutcome poll(ItemSink sink) throws IOException {
        try {
          while (Files.exists(wedge)) {
            Thread.sleep(CHECK_MS);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while wedged by " + wedge);
        }
        return source.poll(sink);
      }
    };
  }
}
