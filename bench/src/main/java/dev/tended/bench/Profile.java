package dev.tended.bench;

import java.time.Duration;

/**
 * How long the benchmark takes: {@code quick} (the default, under ten minutes) or {@code long} (more
 * samples, and the idle figures over ten minutes as the issue states them).
 *
 * @param name as printed in the table
 * @param idle how long the idle figures are watched
 * @param pickupSamples how many atomic renames the pickup latency is taken over
 * @param throughputItems items per concurrency level
 * @param warmups JMH warm-up iterations
 * @param iterations JMH measured iterations
 * @param shots JMH single shots for parse + diff
 * @param startRuns starts per set of JVM options
 * @param freezes freezes per way in a real systemd (section {@code systemd})
 * @param treeFiles files in each of the ten finished folders of section {@code idle-trees}
 */
public record Profile(String name, Duration idle, int pickupSamples, int throughputItems, int warmups,
    int iterations, int shots, int startRuns, int freezes, int treeFiles) {

  /**
   * The default: every figure, in under ten minutes on two quiet cores; throughput over 1 000 items
   * per concurrency level (5 000, as the issue states it, take minutes each when a handler start is
   * slow, so they are in {@link #longer()}).
   */
  public static Profile quick() {
    return new Profile("quick", Duration.ofSeconds(60), 30, 1_000, 2, 3, 5, 4, 3, 20_000);
  }

  /** The idle figures over ten minutes, more samples everywhere. */
  public static Profile longer() {
    return new Profile("long", Duration.ofMinutes(10), 200, 5_000, 3, 5, 10, 10, 5, 100_000);
  }
}
