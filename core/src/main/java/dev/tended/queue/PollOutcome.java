package dev.tended.queue;

import dev.tended.status.QueueFault;
import java.util.Objects;
import java.util.Optional;

/**
 * What one poll of a queue found, for the caller's status and logs. Exists so that a poll never has
 * to throw for conditions that are part of normal life (a missing file, a broken file, a FIFO where a
 * file should be); only a failing {@link ItemSink} makes {@link QueueSource#poll} throw.
 *
 * @param readFile true when the queue was read; false when a {@code stat} showed the file unchanged
 *     since its last complete read (a directory source lists its folder on every poll, so it is
 *     true whenever the folder exists)
 * @param itemsOffered how many items this poll handed to the sink (re-reads offer items again; the
 *     ledger recognises them by id and content hash)
 * @param fault the queue file's confirmed parse fault, present on every poll until the file parses
 *     again
 * @param error why the queue could not be read at all, naming the path (for example {@code
 *     /data/ideas_log.json: not a regular file (FIFO or device)})
 * @param absent true when nothing exists at the queue's path yet: no items, and not an error
 */
public record PollOutcome(
    boolean readFile,
    int itemsOffered,
    Optional<QueueFault> fault,
    Optional<String> error,
    boolean absent) {
  public PollOutcome {
    Objects.requireNonNull(fault, "fault");
    Objects.requireNonNull(error, "error");
  }

  public static PollOutcome absentPath() {
    return new PollOutcome(false, 0, Optional.empty(), Optional.empty(), true);
  }

  public static PollOutcome failed(String error) {
    return new PollOutcome(false, 0, Optional.empty(), Optional.of(error), false);
  }
}
