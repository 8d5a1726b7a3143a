package dev.tended.supervisor.diagnose;

import dev.tended.config.TendedConfig;
import dev.tended.ledger.LedgerStores;
import dev.tended.ledger.LedgerView;
import dev.tended.ledger.NodeRecord;
import dev.tended.ledger.RunningItem;
import dev.tended.supervisor.diagnose.HealthReport.Check;
import dev.tended.supervisor.diagnose.HealthReport.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The {@code cluster} line of {@code health-diagnose} on a ledger several nodes share, read from the
 * shared ledger so that it says the same on every node: each node with how long ago it last renewed
 * its leases (on the database's clock) and how many attempts it runs, and the attempts held by nodes
 * silent past the lease ({@code supervisor.staleAfter}), which a live node is about to take over.
 * Degraded while a silent node holds attempts, or when this node has never beaten; none on SQLite.
 */
final class ClusterCheck {
  static final String NAME = "cluster";

  private ClusterCheck() {}

  /** The line, or none when the ledger is not shared; a ledger that cannot be read is the database check's matter. */
  static Optional<Check> of(TendedConfig config) {
    if (!config.ledger().shared()) {
      return Optional.empty();
    }
    try (LedgerView view = LedgerStores.of(config).openView()) {
      Check nodes = judge(config.ledger().node(), config.supervisor().staleAfter(), view.nodes(), view.running());
      return Optional.of(withPollers(nodes, LedgerStores.pollers(config, view)));
    } catch (RuntimeException e) {
      return Optional.of(new Check(NAME, Level.UNKNOWN, "cannot read the nodes: " + e.getMessage()));
    }
  }

  /** The check with each source's poller added; degraded while a source has none. */
  static Check withPollers(Check nodes, Map<String, Optional<String>> pollers) {
    List<String> unheld = pollers.entrySet().stream().filter(e -> e.getValue().isEmpty()).map(Map.Entry::getKey)
        .toList();
    String polled = pollers.entrySet().stream().map(e -> e.getKey() + " by " + e.getValue().orElse("no node"))
        .collect(Collectors.joining(", "));
    Level level = unheld.isEmpty() ? nodes.level() : Level.DEGRADED;
    return new Check(NAME, level, nodes.detail() + (polled.isEmpty() ? "" : " — polled: " + polled));
  }

  static Check judge(String self, Duration lease, List<NodeRecord> nodes, List<RunningItem> running) {
    Map<String, Long> runs = running.stream().collect(Collectors.groupingBy(RunningItem::node, Collectors.counting()));
    List<String> parts = new ArrayList<>();
    long orphaned = 0;
    int alive = 0;
    for (NodeRecord n : nodes) {
      long held = runs.getOrDefault(n.node(), 0L);
      boolean live = n.aliveWithin(lease);
      alive += live ? 1 : 0;
      if (!live) {
        orphaned += held;
      }
      parts.add(n.node() + (n.node().equals(self) ? " (this node)" : "") + ": " + (live ? "beat " : "silent for ")
          + HealthDiagnosis.secs(n.silentFor()) + (live ? " ago" : "") + ", runs " + held);
    }
    boolean selfKnown = nodes.stream().anyMatch(n -> n.node().equals(self));
    Level level = orphaned > 0 || !selfKnown ? Level.DEGRADED : Level.OK;
    String summary = alive + " of " + nodes.size() + " nodes alive" + (orphaned > 0 ? "; " + orphaned
        + " attempts held by silent nodes (a live node takes them over)" : "")
        + (selfKnown ? "" : "; this node (" + self + ") has not beaten yet");
    return new Check(NAME, level, summary + (parts.isEmpty() ? "" : " — " + String.join("; ", parts)));
  }
}
