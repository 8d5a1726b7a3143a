package dev.tended.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tended.testkit.postgres.PostgresServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What only a ledger several nodes share has, on a real PostgreSQL server: each node sees and adopts
 * only its own running attempts, an attempt whose lease ran out is taken over by another node, the
 * node that lost it can record nothing over the new owner's attempt and learns it lost it at its next
 * renewal, the nodes' beats are listed, and a face outlives a restart of the database.
 */
class SharedLedgerLeasesTest {
  private static final NodeBeat BEAT = new NodeBeat(Instant.parse("2026-12-01T00:00:00Z"), 4242, "test");
  private String url;
  private PostgresServer server;
  private final List<AutoCloseable> opened = new java.util.ArrayList<>();

  @BeforeEach
  void aFreshDatabase() throws Exception {
    Assumptions.assumeTrue(TestDatabases.available(), "no PostgreSQL server programs (Debian's postgresql)");
    server = TestDatabases.server();
    url = TestDatabases.freshUrl();
  }

  @AfterEach
  void closeWhatWasOpened() throws Exception {
    for (AutoCloseable c : opened) {
      c.close();
    }
  }

  private ItemLedger node(String name, Duration lease) {
    ItemLedger l = PostgresLedgerStore.at(url, server.user(), "", LedgerNode.shared(name, lease))
        .openItemLedger(Clock.systemUTC());
    opened.add(l);
    return l;
  }

  private static NewItem item(String id) {
    return new NewItem(id, "hash-" + id, "{\"id\":\"" + id + "\"}");
  }

  @Test
  void eachNodeAdoptsOnlyTheAttemptsItClaimedAndAViewListsAll() {
    ItemLedger n1 = node("n1", Duration.ofMinutes(1));
    ItemLedger n2 = node("n2", Duration.ofMinutes(1));
    n1.recordSeen("ideas", List.of(item("a"), item("b")));
    long a = n1.claimDue("ideas", 1).get(0).seq();
    long b = n2.claimDue("ideas", 1).get(0).seq();

    assertThat(n1.running()).extracting(r -> r.item().seq()).containsExactly(a);
    assertThat(n2.running()).extracting(r -> r.item().seq()).containsExactly(b);
    try (LedgerView view = PostgresLedgerStore.at(url, server.user(), "").openView()) {
      assertThat(view.running()).extracting(RunningItem::node).containsExactly("n1", "n2");
    }
  }

  @Test
  void anExpiredLeaseIsTakenOverAndTheNodeThatLostItCanRecordNothingOverTheNewOwner() {
    ItemLedger late = node("n1", Duration.ofMillis(300));
    ItemLedger other = node("n2", Duration.ofMinutes(1));
    late.recordSeen("ideas", List.of(item("a")));
    ItemRecord claimed = late.claimDue("ideas", 1).get(0);

    List<TakenOver> taken = await().atMost(Duration.ofSeconds(20)).until(
        () -> other.takeOverExpired(Map.of("ideas", 5)), t -> !t.isEmpty());
    assertThat(taken).singleElement().satisfies(t -> {
      assertThat(t.fromNode()).isEqualTo("n1");
      assertThat(t.item().state()).isEqualTo(ItemState.PENDING);
      assertThat(t.item().attempts()).as("a take-over does not count the attempt").isZero();
      assertThat(t.item().interruptions()).isEqualTo(1);
    });
    ItemRecord again = other.claimDue("ideas", 1).get(0);
    assertThat(again.seq()).isEqualTo(claimed.seq());
    assertThat(again.attemptToken()).isNotEqualTo(claimed.attemptToken());

    assertThat(late.renewLeases(BEAT)).containsExactly(claimed.seq());
    assertThat(late.renewLeases(BEAT)).as("reported once").isEmpty();
    // still fenced once reported: the late node's writes are refused
    assertThat(late.holds(claimed.seq())).isFalse();
    assertThatThrownBy(() -> late.finish(claimed.seq(), ItemState.DEAD, AttemptEnding.EXITED, 1, "late", null))
        .isInstanceOf(ItemNotRunningException.class);
    late.handBack(claimed.seq(), "stopping"); // refused quietly: not this node's any more

    assertThat(other.holds(again.seq())).isTrue();
    other.finish(again.seq(), ItemState.SUCCEEDED, AttemptEnding.EXITED, 0, null, null);
    try (LedgerView view = PostgresLedgerStore.at(url, server.user(), "").openView()) {
      ItemRecord now = view.versions("ideas", "a").get(0);
      assertThat(now.state()).isEqualTo(ItemState.SUCCEEDED);
      assertThat(now.attempts()).isEqualTo(1);
    }
  }

  @Test
  void aLeaseRenewedInTimeIsNotTakenOver() {
    ItemLedger owner = node("n1", Duration.ofSeconds(30));
    ItemLedger other = node("n2", Duration.ofSeconds(30));
    owner.recordSeen("ideas", List.of(item("a")));
    long seq = owner.claimDue("ideas", 1).get(0).seq();
    assertThat(owner.renewLeases(BEAT)).isEmpty();
    assertThat(other.takeOverExpired(Map.of("ideas", 5))).isEmpty();
    assertThat(owner.holds(seq)).isTrue();
  }

  @Test
  void theNodesAreListedWithTheirLastBeatOnTheDatabasesClock() {
    node("n1", Duration.ofMinutes(1)).renewLeases(BEAT);
    node("n2", Duration.ofMinutes(1)).renewLeases(new NodeBeat(BEAT.startedAt(), 7, "test"));
    try (LedgerView view = PostgresLedgerStore.at(url, server.user(), "").openView()) {
      assertThat(view.nodes()).extracting(NodeRecord::node).containsExactly("n1", "n2");
      assertThat(view.nodes()).allSatisfy(n -> assertThat(n.aliveWithin(Duration.ofSeconds(30))).isTrue());
      assertThat(view.nodes().get(1).pid()).isEqualTo(7);
    }
  }

  @Test
  void aLedgerOutlivesARestartOfTheDatabase() throws Exception {
    ItemLedger n1 = node("n1", Duration.ofMinutes(1));
    n1.recordSeen("ideas", List.of(item("a")));
    server.stop();
    try {
      assertThatThrownBy(() -> n1.recordSeen("ideas", List.of(item("b")))).isInstanceOf(LedgerException.class);
    } finally {
      server.startAgain();
    }
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .until(() -> n1.recordSeen("ideas", List.of(item("b"))) == 1);
    assertThat(n1.claimDue("ideas", 5)).extracting(ItemRecord::id).containsExactly("a", "b");
  }

  @Test
  void aCancelAskedThroughOneNodeIsListedByTheNodeThatRunsItAndStaysWithTheItemThroughATakeOver() {
    ItemLedger owner = node("n1", Duration.ofMillis(300));
    ItemLedger asker = node("n2", Duration.ofMinutes(1));
    owner.recordSeen("ideas", List.of(item("a")));
    long seq = owner.claimDue("ideas", 1).get(0).seq();

    assertThat(asker.askCancel(seq, "user=alice")).isTrue();
    assertThat(asker.cancelsAsked()).as("not the asking node's attempt").isEmpty();
    assertThat(owner.cancelsAsked()).containsExactly(new CancelAsked(seq, "ideas", "a", "user=alice"));

    // the owner dies before it acts: the node that runs the item next is the one asked
    await().atMost(Duration.ofSeconds(20)).until(() -> asker.takeOverExpired(Map.of("ideas", 5)), t -> !t.isEmpty());
    assertThat(asker.claimDue("ideas", 1)).extracting(ItemRecord::seq).containsExactly(seq);
    assertThat(asker.cancelsAsked()).containsExactly(new CancelAsked(seq, "ideas", "a", "user=alice"));
    assertThat(owner.cancelsAsked()).isEmpty();
  }
}
