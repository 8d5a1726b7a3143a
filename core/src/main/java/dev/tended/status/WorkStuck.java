package dev.tended.status;

import dev.tended.config.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Judges from the heartbeat whether a source's work has stopped moving while it should move: the
 * heartbeat proves the loops run, not that items finish, and ten hung handlers keep it fresh. One
 * rule for {@code health-diagnose}'s {@code work_stuck} check, the {@code work_stuck} alert and the
 * dashboard, so they never disagree.
 *
 * <p>A source is stuck when items are due, it is neither paused nor held by an open breaker (both stop
 * work on purpose and have their own checks), and no attempt has finished for {@code stuckAfter},
 * counted from the latest of: the last finished attempt, the worker's start, and the moment the
 * oldest due item became due (a queue that was idle is not stuck the moment an item arrives).
 */
public final class WorkStuck {
  private WorkStuck() {}

  /**
   * Why {@code source} is stuck in {@code status}, or empty when it is not.
   *
   * @param status the heartbeat that holds {@code source}
   * @param stuckAfter {@code alerts.stuckAfter}
   */
  public static Optional<String> judge(WorkerStatus status, String source, Duration stuckAfter) {
    SourceStatus s = status.sources().get(source);
    if (s == null || s.paused() || s.oldestPendingAgeSeconds() == null
        || (s.breaker() != null && "open".equals(s.breaker().state()))) {
      return Optional.empty();
    }
    Instant at = status.updatedAt();
    Instant dueSince = at.minusMillis(Math.round(s.oldestPendingAgeSeconds() * 1000));
    Instant since = latest(latest(s.lastFinishedAt(), status.startedAt()), dueSince);
    Duration quiet = Duration.between(since, at);
    if (quiet.compareTo(stuckAfter) < 0) {
      return Optional.empty();
    }
    long due = s.pending() + s.failed();
    return Optional.of("items are due (the oldest for " + Durations.format(roundedToSeconds(Duration.between(dueSince, at)))
        + ") and no attempt has finished for " + Durations.format(roundedToSeconds(quiet))
        + " (stuckAfter " + Durations.format(stuckAfter) + "); " + s.running() + " running, about " + due + " waiting"
        + (s.lastFinishedAt() == null ? "; none has ever finished" : "; last finished at " + s.lastFinishedAt()));
  }

  private static Instant latest(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return a.isAfter(b) ? a : b;
  }

  private static Duration roundedToSeconds(Duration d) {
    return Duration.ofSeconds(d.getSeconds());
  }
}
