package dev.tended.testkit.cluster;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link ClusterRig} sets up its nodes: how many, the lease ({@code supervisor.staleAfter}) and
 * the beat that renews it, the one source's poll interval and concurrency, and what each handler
 * does between its two audit lines (a {@code /bin/sh} fragment; {@code $NODE} is the node's name,
 * {@code $TENDED_ITEM_ID} the item's id), and any other top-level configuration (e.g. a short
 * retention). Everything else is the shipped default (retry, retention). Immutable.
 *
 * @param nodes how many nodes, named {@code n1..nN}
 * @param staleAfter each attempt's lease, and the supervisor's stale limit
 * @param heartbeat {@code heartbeat.interval}: how often leases are renewed
 * @param pollInterval the source's {@code pollInterval}
 * @param concurrency the source's {@code concurrency} on each node
 * @param handlerBody the handler's work, e.g. {@code sleep 0.2}
 * @param handlerTimeout the handler's {@code timeout}
 * @param extraConfig more top-level YAML for every node, e.g. {@code retention: { finishedFor: 3s }}, or empty
 */
public record ClusterSettings(int nodes, Duration staleAfter, Duration heartbeat, Duration pollInterval,
    int concurrency, String handlerBody, Duration handlerTimeout, String extraConfig) {

  public ClusterSettings {
    if (nodes < 1) {
      throw new IllegalArgumentException("a cluster has at least one node: " + nodes);
    }
    Objects.requireNonNull(staleAfter);
    Objects.requireNonNull(heartbeat);
    Objects.requireNonNull(pollInterval);
    Objects.requireNonNull(handlerBody);
    Objects.requireNonNull(handlerTimeout);
    Objects.requireNonNull(extraConfig);
  }

  /**
   * Three nodes, a 12 s lease renewed every second, polls every second, 4 handlers of 200 ms per node.
   * The lease is the shortest that keeps a source's failover within {@code staleAfter} plus a poll
   * interval (the poll ownership's check-ins are derived from it; docs/cluster.md, "Who polls a source").
   */
  public static ClusterSettings defaults() {
    return new ClusterSettings(3, Duration.ofSeconds(12), Duration.ofSeconds(1), Duration.ofSeconds(1), 4,
        "sleep 0.2", Duration.ofSeconds(60), "");
  }

  public ClusterSettings withNodes(int n) {
    return new ClusterSettings(n, staleAfter, heartbeat, pollInterval, concurrency, handlerBody,
        handlerTimeout, extraConfig);
  }

  public ClusterSettings withConcurrency(int c) {
    return new ClusterSettings(nodes, staleAfter, heartbeat, pollInterval, c, handlerBody, handlerTimeout, extraConfig);
  }

  public ClusterSettings withHandlerBody(String body) {
    return new ClusterSettings(nodes, staleAfter, heartbeat, pollInterval, concurrency, body, handlerTimeout,
        extraConfig);
  }

  public ClusterSettings withPollInterval(Duration d) {
    return new ClusterSettings(nodes, staleAfter, heartbeat, d, concurrency, handlerBody, handlerTimeout, extraConfig);
  }

  public ClusterSettings withHandlerTimeout(Duration d) {
    return new ClusterSettings(nodes, staleAfter, heartbeat, pollInterval, concurrency, handlerBody, d, extraConfig);
  }

  /** With {@code yaml} (top-level lines, each ending in a newline) added to every node's configuration. */
  public ClusterSettings withExtraConfig(String yaml) {
    return new ClusterSettings(nodes, staleAfter, heartbeat, pollInterval, concurrency, handlerBody, handlerTimeout,
        yaml);
  }
}
