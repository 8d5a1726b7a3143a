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
 * gets the worker replaced. The file {@code <dataDir>/test-hooks/slow-poller-<source>}, holding a
 * number of milliseconds, holds each batch of that source's poll that long before the worker
 * records it, so that one poll of a modest backlog takes as long as a first poll of millions of
 * items on a slow disk, on any machine: a poll that is slow but keeps recording, not a wedged one.
 * Without the files a poll is the real one.
 */
public final class WedgeablePolls implements QueueSourceWrapper {

  /** Where a test creates the wedge file for {@code source}. */
  public static Path wedgeFile(Path dataDir, String source) {
    return dataDir.resolve("test-hooks").resolve("wedge-poller-" + source);
  }

  /** Where a test writes the per-batch delay (milliseconds) of {@code source}'s polls. */
  public static Path slowFile(Path dataDir, String source) {
    return dataDir.resolve("test-hooks").resolve("slow-poller-" + source);
  }

  @Override
  public QueueSource wrap(QueueSource source, Path dataDir) {
    Path wedge = wedgeFile(dataDir, source.name());
    Path slow = slowFile(dataDir, source.name());
    return new QueueSource() {
      @Override
      public String name() {
        return source.name();
      }

      @Override
      public PollOutcome poll(ItemSink sink) throws IOException {
        Hooks.holdWhileExists(wedge);
        return source.poll(batch -> {
          holdBatch(slow);
          sink.accept(batch);
        });
      }
    };
  }

  private static void holdBatch(Path slow) throws IOException {
    String ms = Files.exists(slow) ? Files.readString(slow).strip() : "";
    if (ms.isEmpty()) {
      return;
    }
    try {
      Thread.sleep(Long.parseLong(ms));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while slowed by " + slow);
    }
  }
}
