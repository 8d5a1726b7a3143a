package dev.tended.queue;

import java.io.IOException;

/**
 * One configured queue (a JSON queue file or a folder) seen as a stream of {@link QueueItem}s.
 * Exists so that the poller and the ledger do not care how a queue is laid out on disk. A source only
 * reads: it never writes, moves or deletes a producer's file.
 *
 * <p>Not thread-safe: an instance remembers what it saw at its last poll and is owned by the one
 * poller thread that calls it. Items can be offered more than once (after a change, a restart, or a
 * failed sink); the caller deduplicates by id and content hash.
 */
public interface QueueSource {
  /** The source's configured name, as used in logs, status and the quarantine folder. */
  String name();

  /**
   * Looks at the queue once and hands every item it can read to {@code sink}, in batches.
   *
   * @throws IOException only when {@code sink} threw it; nothing of this poll is remembered as done,
   *     so the next poll reads the queue again
   */
  PollOutcome poll(ItemSink sink) throws IOException;
}
