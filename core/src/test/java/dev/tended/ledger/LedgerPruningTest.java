package dev.tended.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Retention's writes on the SQLite ledger: what is pruned, what is kept, and the space given back. */
class LedgerPruningTest extends SteppedLedgerTest {
  private static NewItem item(String id, String content) {
    return new NewItem(id, "hash-" + id + "-" + content, "{\"id\":\"" + id + "\",\"c\":\"" + content + "\"}");
  }

  private static ItemRecord finish(ItemLedger ledger, String id, String content, ItemState to) {
    ledger.recordSeen("ideas", List.of(item(id, content)));
    ItemRecord r = ledger.claimDue("ideas", 10).stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
    ledger.finish(r.seq(), to, AttemptEnding.EXITED, to == ItemState.SUCCEEDED ? 0 : 3, null, null);
    return r;
  }

  /** Cut-offs as the worker computes them: now minus finishedFor (1 h) and deadFor (2 h). */
  private List<PrunedItem> pruneNow(ItemLedger ledger, int limit) {
    Instant now = clock.instant();
    return ledger.pruning().pruneFinished(now.minus(Duration.ofHours(1)), now.minus(Duration.ofHours(2)), limit);
  }

  @Test
  void finishedItemsPastTheirPeriodArePrunedToAnIdentityRecordAndYoungerOnesAreKeptWhole() {
    ItemLedger ledger = ledger();
    LedgerView view = view();
    ItemRecord old = finish(ledger, "old", "a", ItemState.SUCCEEDED);
    finish(ledger, "dead", "a", ItemState.DEAD);
    clock.advance(Duration.ofMinutes(90));
    finish(ledger, "young", "a", ItemState.SUCCEEDED);

    List<PrunedItem> pruned = pruneNow(ledger, 500);

    assertThat(pruned).singleElement().satisfies(p -> {
      assertThat(p.id()).isEqualTo("old");
      assertThat(p.outcome()).isEqualTo(ItemState.SUCCEEDED);
      assertThat(p.finishedAt()).isEqualTo(T0);
      assertThat(p.contentHash()).isEqualTo("hash-old-a");
    });
    assertThat(view.versions("ideas", "old")).isEmpty();
    assertThat(view.attempts(old.seq())).as("its transitions are gone").isEmpty();
    assertThat(view.identities("ideas", "old")).containsExactly(new IdentityRecord("ideas", "old", "hash-old-a",
        ItemState.SUCCEEDED, T0, clock.instant()));
    assertThat(view.counts("ideas")).containsEntry(ItemState.SUCCEEDED, 1L).containsEntry(ItemState.DEAD, 1L);
    assertThat(view.versions("ideas", "dead")).as("dead items are kept for deadFor").hasSize(1);

    clock.advance(Duration.ofMinutes(31));
    assertThat(pruneNow(ledger, 500)).extracting(PrunedItem::id).containsExactly("dead");
    assertThat(view.identities("ideas", "dead")).extracting(IdentityRecord::outcome).containsExactly(ItemState.DEAD);
  }

  @Test
  void identicalContentOfAPrunedItemIsNeverRecordedAgainAndChangedContentIs() {
    ItemLedger ledger = ledger();
    LedgerView view = view();
    finish(ledger, "1", "a", ItemState.SUCCEEDED);
    clock.advance(Duration.ofHours(3));
    assertThat(pruneNow(ledger, 500)).hasSize(1);

    assertThat(ledger.recordSeen("ideas", List.of(item("1", "a")))).isZero();
    assertThat(ledger.claimDue("ideas", 5)).isEmpty();
    assertThat(ledger.recordSeen("ideas", List.of(item("1", "b")))).isEqualTo(1);
    assertThat(view.versions("ideas", "1")).extracting(ItemRecord::contentHash).containsExactly("hash-1-b");
  }

  @Test
  void pendingRunningAndFailedItemsAndARetriedDeadItemWhileItRunsAreNeverPruned() {
    ItemLedger ledger = ledger();
    LedgerView view = view();
    finish(ledger, "retried", "a", ItemState.DEAD);
    ledger.recordSeen("ideas", List.of(item("failed", "a")));
    ItemRecord f = ledger.claimDue("ideas", 1).get(0);
    ledger.finish(f.seq(), ItemState.FAILED, AttemptEnding.EXITED, 1, "exit 1", T0.plus(Duration.ofDays(1)));
    ledger.recordSeen("ideas", List.of(item("running", "a")));
    ledger.claimDue("ideas", 1);
    ledger.recordSeen("ideas", List.of(item("pending", "a")));
    clock.advance(Duration.ofDays(30));
    assertThat(ledger.retryDead("ideas", "retried", "retried by an operator")).isPresent();
    assertThat(ledger.claimDue("ideas", 10)).extracting(ItemRecord::id).contains("retried");

    assertThat(pruneNow(ledger, 500)).isEmpty();
    assertThat(view.countsBySource().get("ideas").values().stream().mapToLong(Long::longValue).sum()).isEqualTo(4);
    assertThat(view.inState("ideas", ItemState.RUNNING)).extracting(ItemRecord::id)
        .contains("retried", "running");
  }

  @Test
  void aBatchPrunesAtMostItsLimitAndTheNextBatchTakesTheRest() {
    ItemLedger ledger = ledger();
    for (int i = 0; i < 25; i++) {
      finish(ledger, "i" + i, "a", ItemState.SUCCEEDED);
    }
    clock.advance(Duration.ofHours(2));
    assertThat(pruneNow(ledger, 10)).hasSize(10);
    assertThat(pruneNow(ledger, 10)).hasSize(10);
    assertThat(pruneNow(ledger, 10)).hasSize(5);
    assertThat(pruneNow(ledger, 10)).isEmpty();
    assertThat(view().counts("ideas").get(ItemState.SUCCEEDED)).isZero();
  }

  @Test
  void aDryRunListsWhatPruningWouldTakeAndChangesNothing() {
    ItemLedger ledger = ledger();
    finish(ledger, "a", "x", ItemState.SUCCEEDED);
    finish(ledger, "b", "x", ItemState.DEAD);
    clock.advance(Duration.ofHours(3));
    finish(ledger, "c", "x", ItemState.SUCCEEDED);
    LedgerView view = view();
    List<PrunedItem> listed = new ArrayList<>();
    Instant now = clock.instant();
    long n = view.forEachPrunable(now.minus(Duration.ofHours(1)), now.minus(Duration.ofHours(2)), listed::add);
    assertThat(n).isEqualTo(2);
    assertThat(listed).extracting(PrunedItem::id).containsExactlyInAnyOrder("a", "b");
    assertThat(view.versions("ideas", "a")).hasSize(1);
    assertThat(pruneNow(ledger, 500)).containsExactlyInAnyOrderElementsOf(listed);
  }

  @Test
  void identityRecordsFinishedBeforeTheCutOffAreForgottenAndThenTheirContentIsNewAgain() {
    ItemLedger ledger = ledger();
    finish(ledger, "1", "a", ItemState.SUCCEEDED);
    clock.advance(Duration.ofDays(2));
    finish(ledger, "2", "a", ItemState.SUCCEEDED);
    clock.advance(Duration.ofHours(2));
    assertThat(pruneNow(ledger, 500)).hasSize(2);
    LedgerView view = view();
    assertThat(view.identitiesFinishedBefore(clock.instant().minus(Duration.ofDays(1)))).isEqualTo(1);

    assertThat(ledger.pruning().forgetIdentities(clock.instant().minus(Duration.ofDays(1)), 100)).isEqualTo(1);
    assertThat(view.identities("ideas", "1")).isEmpty();
    assertThat(view.identities("ideas", "2")).hasSize(1);
    assertThat(ledger.recordSeen("ideas", List.of(item("1", "a"), item("2", "a")))).isEqualTo(1);
  }

  @Test
  void attemptTotalsAndTheLastFinishOutlivePrunedItems() {
    ItemLedger ledger = ledger();
    finish(ledger, "1", "a", ItemState.SUCCEEDED);
    finish(ledger, "2", "a", ItemState.DEAD);
    clock.advance(Duration.ofDays(1));
    pruneNow(ledger, 500);
    LedgerView view = view();
    assertThat(view.counts("ideas").values()).allMatch(c -> c == 0);
    assertThat(view.attemptStats().get("ideas").endings()).containsEntry(AttemptEnding.EXITED, 2L);
    assertThat(view.flowBySource(clock.instant()).get("ideas"))
        .isEqualTo(new SourceFlow(null, T0, T0));
  }

  @Test
  void aNewLedgerGivesTheSpaceOfPrunedItemsBackToTheFileSystem() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(onSqliteFile(), "a SQLite file's own behaviour");
    ItemLedger ledger = ledger();
    String big = "x".repeat(2000);
    ledger.recordSeen("ideas", IntStream.range(0, 2000)
        .mapToObj(i -> new NewItem("b" + i, "h" + i, "{\"p\":\"" + big + "\"}")).toList());
    for (ItemRecord r : ledger.claimDue("ideas", 2000)) {
      ledger.finish(r.seq(), ItemState.SUCCEEDED, AttemptEnding.EXITED, 0, null, null);
    }
    assertThat(ledger.pruning().givesSpaceBack()).isTrue();
    long full = pageBytes();
    clock.advance(Duration.ofHours(2));
    while (!pruneNow(ledger, 500).isEmpty()) {
      // batch after batch
    }
    long given = ledger.pruning().giveBackSpace(100_000);
    assertThat(given).as("one step gives back up to its pages").isGreaterThan(full / 2);
    assertThat(pageBytes()).isLessThan(full / 2);
  }

  @Test
  void anOlderLedgerThatCannotGiveSpaceBackIsConvertedByOneRewrite() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(onSqliteFile(), "a SQLite file's own behaviour");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file()); Statement st = c.createStatement()) {
      st.execute("PRAGMA auto_vacuum = NONE");
      for (String sql : SqliteSchema.statementsUpTo(3)) {
        st.executeUpdate(sql);
      }
      st.executeUpdate("INSERT INTO meta (key, value) VALUES ('schema', '3')");
    }
    ItemLedger ledger = ledger();
    finish(ledger, "1", "a", ItemState.SUCCEEDED);
    assertThat(ledger.pruning().givesSpaceBack()).isFalse();
    assertThat(ledger.pruning().giveBackSpace(100)).isZero();
    try (LedgerAdmin admin = SqliteLedgerStore.at(file()).openAdmin(Clock.systemUTC())) {
      admin.pruning().convertToGiveSpaceBack();
      assertThat(admin.pruning().givesSpaceBack()).isTrue();
    }
    assertThat(view().givesSpaceBack()).isTrue();
    assertThat(view().versions("ideas", "1")).hasSize(1);
  }

  private long pageBytes() throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file()); Statement st = c.createStatement();
        var rs = st.executeQuery("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")) {
      return rs.getLong(1);
    }
  }
}
