package dev.tended.supervisor.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.ledger.ItemRecord;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.NodeRecord;
import dev.tended.ledger.RunningItem;
import dev.tended.supervisor.diagnose.HealthReport.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterCheckTest {
  private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");
  private static final Duration LEASE = Duration.ofSeconds(20);

  private static NodeRecord node(String name, long silentSeconds) {
    return new NodeRecord(name, T, Duration.ofSeconds(silentSeconds), T, 1, "test", 0);
  }

  private static RunningItem runningOn(String node, long seq) {
    ItemRecord item = new ItemRecord(seq, "ideas", "i" + seq, "h", "{}", ItemState.RUNNING, 1, T, T, T, T, null, null,
        null, 0, "tok" + seq);
    return new RunningItem(item, Optional.empty(), node);
  }

  @Test
  void liveNodesAreOkAndEachIsListedWithWhatItRuns() {
    var check = ClusterCheck.judge("n1", LEASE, List.of(node("n1", 1), node("n2", 3)),
        List.of(runningOn("n1", 1), runningOn("n2", 2), runningOn("n2", 3)));
    assertThat(check.level()).isEqualTo(Level.OK);
    assertThat(check.detail()).startsWith("2 of 2 nodes alive").contains("n1 (this node): beat 1.0s ago, runs 1")
        .contains("n2: beat 3.0s ago, runs 2");
  }

  @Test
  void attemptsHeldByANodeSilentPastTheLeaseAreDegraded() {
    var check = ClusterCheck.judge("n1", LEASE, List.of(node("n1", 1), node("n2", 45)), List.of(runningOn("n2", 2)));
    assertThat(check.level()).isEqualTo(Level.DEGRADED);
    assertThat(check.detail()).contains("1 of 2 nodes alive").contains("1 attempts held by silent nodes")
        .contains("n2: silent for 45s");
  }

  @Test
  void aNodeThatHasNeverBeatenIsDegraded() {
    var check = ClusterCheck.judge("n3", LEASE, List.of(node("n1", 1)), List.of());
    assertThat(check.level()).isEqualTo(Level.DEGRADED);
    assertThat(check.detail()).contains("this node (n3) has not beaten yet");
  }

  @Test
  void eachSourcesPollerIsListedAndASourceNoNodePollsIsDegraded() {
    var nodes = ClusterCheck.judge("n1", LEASE, List.of(node("n1", 1)), List.of());
    var held = ClusterCheck.withPollers(nodes, new java.util.LinkedHashMap<>(java.util.Map.of("ideas", Optional.of("n1"))));
    assertThat(held.level()).isEqualTo(Level.OK);
    assertThat(held.detail()).endsWith("polled: ideas by n1");
    var unheld = ClusterCheck.withPollers(nodes, java.util.Map.of("qa", Optional.empty()));
    assertThat(unheld.level()).isEqualTo(Level.DEGRADED);
    assertThat(unheld.detail()).endsWith("polled: qa by no node");
  }
}
