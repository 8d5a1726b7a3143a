package dev.tended.worker.heartbeat;

import dev.tended.status.QueueFault;
import java.time.Instant;

/**
 * What a poller last learned of its source, handed to the heartbeat as an immutable value.
 *
 * @param lastError why the last poll failed, or null
 * @param fault the queue file's parse fault while it lasts, or null
 */
public record PollReport(Instant lastPollAt, boolean lastPollOk, String lastError, QueueFault fault) {
  public static final PollReport NOT_YET = new PollReport(null, false, null, null);
}
