package dev.tended.ledger;

import java.time.Duration;
import java.time.Instant;

/**
 * Whether a source's work is moving, as the ledger knows it: operators of queues watch the age of the
 * oldest waiting message, not only counts, because ten hung handlers keep every count still.
 *
 * @param oldestDueSince since when the oldest due item (pending, or failed with its next attempt time
 *     reached) has been due; null when nothing is due
 * @param lastFinishedAt when the source's last attempt with an outcome finished; null when none has
 * @param lastSucceededAt when the source's last item succeeded; null when none has
 */
public record SourceFlow(Instant oldestDueSince, Instant lastFinishedAt, Instant lastSucceededAt) {
  public static final SourceFlow NONE = new SourceFlow(null, null, null);

  /** How long the oldest due item has waited at {@code now}; null when nothing is due. */
  public Duration oldestDueAge(Instant now) {
    if (oldestDueSince == null) {
      return null;
    }
    Duration age = Duration.between(oldestDueSince, now);
    return age.isNegative() ? Duration.ZERO : age;
  }
}
