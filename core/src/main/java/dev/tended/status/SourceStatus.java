package dev.tended.status;

import java.time.Instant;

/**
 * One source in the heartbeat: when it was last polled, how its items stand, whether work is
 * flowing, and what is wrong. Fields are only ever added (scripts read them).
 *
 * @param lastPollAt the end of the last completed poll, null before the first
 * @param lastError the last poll's fault, or null when it went well
 * @param fault the queue file's parse fault while it lasts, else null
 * @param recording while some attempt's outcome cannot be recorded: since when and why; else null
 * @param paused whether an operator paused the source (nothing new is started)
 * @param oldestPendingAgeSeconds how long the oldest due item (pending, or failed and due again) has
 *     been waiting, at {@code updatedAt}; null when nothing is due
 * @param lastFinishedAt when the source's last attempt finished (any ending that has an outcome),
 *     null when none has
 * @param lastSucceededAt when the source's last item succeeded, null when none has
 * @param pollErrors polls of this source that failed since the worker started
 * @param draining paused with {@code --drain} and handlers of it still running (they finish; nothing new starts)
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
    RecordingFault recording,
    boolean paused,
    Double oldestPendingAgeSeconds,
    Instant lastFinishedAt,
    Instant lastSucceededAt,
    long pollErrors,
    boolean draining) {

  /** A source that is not draining. */
  public SourceStatus(Instant lastPollAt, boolean lastPollOk, long pending, long running, long succeeded, long failed,
      long dead, String lastError, BreakerStatus breaker, QueueFault fault, RecordingFault recording, boolean paused,
      Double oldestPendingAgeSeconds, Instant lastFinishedAt, Instant lastSucceededAt, long pollErrors) {
    this(lastPollAt, lastPollOk, pending, running, succeeded, failed, dead, lastError, breaker, fault, recording, paused,
        oldestPendingAgeSeconds, lastFinishedAt, lastSucceededAt, pollErrors, false);
  }

  /** A source whose outcomes are all being recorded. */
  public SourceStatus(Instant lastPollAt, boolean lastPollOk, long pending, long running, long succeeded, long failed,
      long dead, String lastError, BreakerStatus breaker, QueueFault fault) {
    this(lastPollAt, lastPollOk, pending, running, succeeded, failed, dead, lastError, breaker, fault, null);
  }

  /** A source without the flow fields (not paused, nothing known of its flow). */
  public SourceStatus(Instant lastPollAt, boolean lastPollOk, long pending, long running, long succeeded, long failed,
      long dead, String lastError, BreakerStatus breaker, QueueFault fault, RecordingFault recording) {
    this(lastPollAt, lastPollOk, pending, running, succeeded, failed, dead, lastError, breaker, fault, recording,
        false, null, null, null, 0);
  }
}
