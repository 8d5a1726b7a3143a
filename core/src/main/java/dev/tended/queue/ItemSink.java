package dev.tended.queue;

import java.io.IOException;
import java.util.List;

/**
 * Where a poll hands its items, a batch at a time, so that the caller can store them durably before
 * the source reads further and before anything acts on them. Exists so that a large queue file never
 * has to be held in memory at once.
 */
@FunctionalInterface
public interface ItemSink {
  /**
   * Takes one batch (immutable, never empty). Throwing fails the whole poll: the exception reaches
   * the caller of {@link QueueSource#poll}, and the next poll reads the queue again from the start.
   */
  void accept(List<QueueItem> batch) throws IOException;
}
