package dev.tended.worker.heartbeat;

import dev.tended.status.QueueFault;
import java.time.Instant;

/**
 * What a poller last learned of its source, handed to the heartbeat as an immutable value.
 *
 * @param lastError why the last poll failed, or null
 * @param fault the queue file's parse fault while it lasts, or null
 * @param errors polls that failed (the source could not be read, or what was read could not be
 *     recorded) since the poller was made; a parse fault alone is not counted (it is {@code fault})
 */
public record PollReport(Instant lastPollAt, boolean lastPollOk, String lastError, QueueFault fault, long errors) {
  public static final PollReport NOT_YET = new PollReport(null, false, null, null, 0);

  /** A report with no failed poll counted. */
  public PollReport(Instant lastPollAt, boolean lastPollOk, String lastError, QueueFault fault) {
    this(lastPollAt, lastPollOk, lastError, fault, 0);
  }
}
