package dev.tended.worker.source;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A cluster node in a JVM of its own, for the test that kills one with SIGKILL: Quartz keeps per-JVM
 * state (its connection manager, its threads), and only a killed process leaves the database as a
 * dead host would. Arguments: JDBC URL, user, node name, check-in interval in ms, then the sources.
 * Prints {@code owned <source>} once for each source it comes to own, then runs until killed.
 */
final class OwnershipNodeMain {
  private OwnershipNodeMain() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    String user = args[1];
    String node = args[2];
    ClusterTimings timings = timings(Duration.ofMillis(Long.parseLong(args[3])));
    Set<String> sources = Set.copyOf(List.of(args).subList(4, args.length));
    ClusteredOwnership ownership = new ClusteredOwnership(node, sources, timings,
        ClusteredOwnershipTest.database(url, user));
    ownership.start();
    Set<String> reported = new HashSet<>();
    while (true) {
      for (String s : sources) {
        if (ownership.owns(s) && reported.add(s)) {
          System.out.println("owned " + s);
          System.out.flush();
        }
      }
      Thread.sleep(20); // a node's idle loop, not a test's wait
    }
  }

  /** What both sides of the failover test run with: a 500 ms idle wait, a 2 s lease margin. */
  static ClusterTimings timings(Duration checkin) {
    return new ClusterTimings(checkin, Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofMillis(500));
  }
}
