package dev.tended.config;

import java.time.Duration;

/**
 * What tended keeps of finished work, and for how long ({@code retention:}), so that a busy queue
 * does not fill the data folder in months. On by default with conservative values: a finished
 * item's payload, transitions, result file and work folder go {@code finishedFor} after it finished
 * (a dead one after {@code deadFor}); a small identity record (source, id, content hash, outcome,
 * time) stays, so identical content is still never run twice, and goes only after
 * {@code identityFor} when that is set.
 *
 * @param finishedFor how long a succeeded item is kept whole
 * @param deadFor how long a dead item is kept whole (it may still be retried until then)
 * @param identityFor how long an identity record is kept after pruning; zero = for ever
 * @param quarantineKept at most this many copies under {@code quarantine/<source>/} per source
 * @param pruneEvery how often the worker prunes (in small batches, on a thread of its own)
 */
public record RetentionConfig(
    Duration finishedFor, Duration deadFor, Duration identityFor, int quarantineKept, Duration pruneEvery) {
  public static final int DEFAULT_QUARANTINE_KEPT = 20;
  public static final Duration DEFAULT_FINISHED_FOR = Duration.ofDays(30);
  public static final Duration DEFAULT_DEAD_FOR = Duration.ofDays(90);
  public static final Duration DEFAULT_PRUNE_EVERY = Duration.ofMinutes(10);

  public static final RetentionConfig DEFAULT = new RetentionConfig(
      DEFAULT_FINISHED_FOR, DEFAULT_DEAD_FOR, Duration.ZERO, DEFAULT_QUARANTINE_KEPT, DEFAULT_PRUNE_EVERY);

  /** Whether identity records are kept for ever. */
  public boolean identitiesKeptForever() {
    return identityFor.isZero();
  }
}
