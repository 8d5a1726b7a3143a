package dev.tended.worker.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tended.ledger.ItemLedger;
import dev.tended.ledger.LedgerNode;
import dev.tended.ledger.NewItem;
import dev.tended.ledger.NodeBeat;
import dev.tended.ledger.PostgresLedgerStore;
import dev.tended.status.LedgerReach;
import dev.tended.testkit.postgres.PostgresDatabases;
import dev.tended.worker.control.OperatorControls;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One node's lease keeper on a real PostgreSQL server, one round at a time ({@link LeaseKeeper#tick}
 * called by the test, no thread): what the status file says of the database while it is away and
 * after, and a cancel asked through another node reaching this node's dispatcher.
 */
class LeaseKeeperTest {
  private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

  @RegisterExtension static final PostgresDatabases PG = new PostgresDatabases("keeper");
  private final List<ItemLedger> opened = new ArrayList<>();

  @AfterEach
  void closeTheLedgers() {
    opened.forEach(ItemLedger::close);
  }

  private ItemLedger node(String name) {
    ItemLedger l = PostgresLedgerStore.at(PG.url(), PG.user(), "", LedgerNode.shared(name, Duration.ofMinutes(1)))
        .openItemLedger(Clock.systemUTC());
    opened.add(l);
    return l;
  }

  private static LeaseKeeper keeper(ItemLedger ledger, OperatorControls controls) {
    return new LeaseKeeper(ledger, new NodeBeat(T, 4242, "test"), Duration.ofSeconds(1), Duration.ofMinutes(1),
        Map.of("ideas", 5), lost -> {}, () -> {}, controls, Map.of(), Clock.systemUTC(), System::nanoTime);
  }

  @Test
  void theDatabaseIsReportedUnreachableWithTheReasonWhileItIsAwayAndReachableAgainOnceItAnswers() throws Exception {
    LeaseKeeper keeper = keeper(node("n1"), new RecordingControls());
    keeper.tick();
    assertThat(keeper.reach().reachable()).isTrue();
    assertThat(keeper.reach().error()).isNull();

    PG.server().stop();
    Instant before = Instant.now();
    keeper.tick();
    LedgerReach away = keeper.reach();
    assertThat(away.reachable()).isFalse();
    assertThat(away.error()).isNotBlank();
    assertThat(away.since()).isAfterOrEqualTo(before);
    keeper.tick();
    assertThat(keeper.reach()).as("since the outage began, not since the last look").isEqualTo(away);

    PG.server().startAgain();
    keeper.tick();
    assertThat(keeper.reach().reachable()).isTrue();
    assertThat(keeper.reach().error()).isNull();
    assertThat(keeper.reach().since()).isAfterOrEqualTo(away.since());
  }

  @Test
  void aCancelAskedThroughAnotherNodeReachesThisNodesDispatcherAtTheNextRenewalOnce() {
    ItemLedger mine = node("n1");
    ItemLedger other = node("n2");
    mine.recordSeen("ideas", List.of(new NewItem("a", "hash-a", "{\"id\":\"a\"}")));
    long seq = mine.claimDue("ideas", 1).get(0).seq();
    RecordingControls controls = new RecordingControls();
    controls.started.add("a");
    LeaseKeeper keeper = keeper(mine, controls);
    keeper.tick();
    assertThat(controls.cancelled).isEmpty();

    assertThat(other.askCancel(seq, "user=alice")).isTrue();
    keeper.tick();
    keeper.tick();
    assertThat(controls.cancelled).containsExactly("ideas/a by user=alice");
  }
}
