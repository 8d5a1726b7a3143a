package dev.tended.ledger;

import java.util.List;

/**
 * A classic cumulative histogram of attempt durations with fixed bounds ({@link #BOUNDS_SECONDS}), as
 * the ledger keeps it: one count per bound (attempts that took at most that long, not cumulative:
 * the count of that bucket alone), the count of longer ones, the total and the sum.
 *
 * @param bucketCounts one count per bound in {@link #BOUNDS_SECONDS}, each the attempts that fell in
 *     that bucket alone (above the previous bound, at most this one)
 * @param overflow attempts longer than the last bound
 * @param sumSeconds the sum of every duration
 */
public record DurationHistogram(List<Long> bucketCounts, long overflow, double sumSeconds) {
  /** Upper bounds in seconds: from a trivial handler to the 1 h a long one may take. */
  public static final List<Double> BOUNDS_SECONDS =
      List.of(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0);

  public static final DurationHistogram EMPTY =
      new DurationHistogram(BOUNDS_SECONDS.stream().map(b -> 0L).toList(), 0, 0);

  public DurationHistogram {
    bucketCounts = List.copyOf(bucketCounts);
    if (bucketCounts.size() != BOUNDS_SECONDS.size()) {
      throw new IllegalArgumentException(bucketCounts.size() + " bucket counts for " + BOUNDS_SECONDS.size() + " bounds");
    }
  }

  /** How many durations were counted. */
  public long count() {
    return bucketCounts.stream().mapToLong(Long::longValue).sum() + overflow;
  }
}
