package dev.tended.status;

import java.time.Instant;

/**
 * One source in the heartbeat: when it was last polled, how its items stand, and what is wrong.
 *
 * @param lastPollAt the end of the last completed poll, null before the first
 * @param lastError the last poll's fault, or null when it went well
 * @param fault the queue file's parse fault while it lasts, else null
 * @param recording while some attempt's outcome cannot be recorded: since when and why; else null
 */
public record SourceStatus(
    Instant lastPollAt,
    boolean lastPollOk,
    long pending,
    long running,
    long succeeded,
    long failed,
    long dead,
    String lastError,
    BreakerStatus breaker,
    QueueFault fault,
    RecordingFault recording) {

  /** A source whose outcomes are all being recorded. */
  public SourceStatus(Instant lastPollAt, boolean lastPollOk, long pending, long running, long succeeded, long failed,
      long dead, String lastError, BreakerStatus breaker, QueueFault fault) {
    this(lastPollAt, lastPollOk, pending, running, succeeded, failed, dead, lastError, breaker, fault, null);
  }
}
