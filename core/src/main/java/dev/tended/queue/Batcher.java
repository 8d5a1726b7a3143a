package dev.tended.queue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Collects items and hands them to an {@link ItemSink} in batches of a fixed size, so that a reader
 * holds at most one batch however long the queue is. Not thread-safe; lives for one poll.
 */
public final class Batcher {
  private final ItemSink sink;
  private final int batchSize;
  private List<QueueItem> pending;
  private int offered;

  public Batcher(ItemSink sink, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
    }
    this.sink = Objects.requireNonNull(sink, "sink");
    this.batchSize = batchSize;
    this.pending = new ArrayList<>(batchSize);
  }

  /** Adds {@code item}, handing a full batch to the sink. */
  public void add(QueueItem item) throws SinkFailedException {
    pending.add(item);
    if (pending.size() >= batchSize) {
      flush();
    }
  }

  /** Hands what is pending to the sink, if anything. */
  public void flush() throws SinkFailedException {
    if (pending.isEmpty()) {
      return;
    }
    List<QueueItem> batch = List.copyOf(pending);
    pending = new ArrayList<>(batchSize);
    try {
      sink.accept(batch);
    } catch (IOException e) {
      throw new SinkFailedException(e);
    }
    offered += batch.size();
  }

  /** How many items the sink has accepted. */
  public int offered() {
    return offered;
  }
}
