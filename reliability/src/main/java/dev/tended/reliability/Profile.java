package dev.tended.reliability;

import java.time.Duration;

/**
 * How hard the suite pushes: {@link #ci()} runs on every change in a few minutes, {@link #soak()} by
 * hand for about half an hour.
 *
 * @param name printed in the table
 * @param kills SIGKILLs of the worker at random instants
 * @param powerCuts simulated power cuts of the worker's own files
 * @param leakItems items processed before file descriptors, threads and heap are compared with start-up
 * @param bigQueueBytes size of the one huge queue file
 * @param backlogItems ideas in the backlog the worker takes at {@code -Xmx128m}
 * @param drainLimit how long the worker may take to record a huge queue file (the size scenario, where
 *     the poll that records it shows no progress until it commits); the crash and power-cut drains
 *     instead wait for as long as items keep finishing ({@link Pace})
 * @param produceEvery the producers' pause between writes in the crash scenario: slow enough that the
 *     worker, killed every second or so, is not left with a backlog larger than it can drain
 */
public record Profile(String name, int kills, int powerCuts, int leakItems, long bigQueueBytes, int backlogItems,
    Duration drainLimit, Duration produceEvery) {

  /** A few minutes: what CI runs. */
  public static Profile ci() {
    return new Profile("ci", 20, 6, 1_000, 64L << 20, 50_000, Duration.ofMinutes(3), Duration.ofMillis(60));
  }

  /** About half an hour: 500 kills, 20 000 items for the leak check, a 1 GB file, a million ideas. */
  public static Profile soak() {
    return new Profile("soak", 500, 50, 20_000, 1L << 30, 1_000_000, Duration.ofMinutes(15), Duration.ofMillis(300));
  }
}
