package dev.tended.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The totals schema 4 keeps as attempts end, and the view's flow and stats read from them. */
class LedgerStatsTest extends SteppedLedgerTest {
  private static NewItem item(String id) {
    return new NewItem(id, "hash-" + id, "{\"id\":\"" + id + "\"}");
  }

  private static ItemRecord claim(ItemLedger ledger, String source, String id) {
    ledger.recordSeen(source, List.of(item(id)));
    return ledger.claimDue(source, 1).get(0);
  }

  @Test
  void everyAttemptEndingIsCountedForItsSourceIncludingHandedBackAndInterruptedOnes() {
    ItemLedger ledger = ledger();
    ledger.finish(claim(ledger, "ideas", "ok").seq(), ItemState.SUCCEEDED, AttemptEnding.EXITED, 0, null, null);
    ledger.finish(claim(ledger, "ideas", "again").seq(), ItemState.FAILED, AttemptEnding.EXITED, 1, "exit 1",
        T0.plusSeconds(3600));
    ledger.finish(claim(ledger, "ideas", "slow").seq(), ItemState.DEAD, AttemptEnding.TIMEOUT, null, "timeout", null);
    ledger.handBack(claim(ledger, "ideas", "back").seq(), "worker stopping");
    ledger.interrupted(claim(ledger, "ideas", "back").seq(), "died with its worker", 5);
    ledger.deadWithoutRunning(claim(ledger, "qa", "gone").seq(), "handler missing");

    Map<String, AttemptStats> stats = view().attemptStats();
    assertThat(stats).containsOnlyKeys("ideas", "qa");
    assertThat(stats.get("ideas").endings()).containsEntry(AttemptEnding.EXITED, 2L)
        .containsEntry(AttemptEnding.TIMEOUT, 1L).containsEntry(AttemptEnding.HANDED_BACK, 1L)
        .containsEntry(AttemptEnding.INTERRUPTED, 1L).containsEntry(AttemptEnding.NOT_STARTED, 0L)
        .hasSize(AttemptEnding.values().length);
    assertThat(stats.get("qa").endings()).containsEntry(AttemptEnding.NOT_STARTED, 1L)
        .containsEntry(AttemptEnding.EXITED, 0L);
  }

  @Test
  void durationsAreMeasuredFromTheRecordedHandlerStartOrElseTheClaimAndOnlyForAttemptsThatRan() {
    ItemLedger ledger = ledger();
    ItemRecord withHandler = claim(ledger, "ideas", "h");
    ledger.handlerStarted(new HandlerRecord(withHandler.seq(), withHandler.attempts(), withHandler.attemptToken(),
        "boot", 10, 11, 12, 13, T0.plusSeconds(1), "{}"));
    clock.advance(Duration.ofSeconds(3));
    ledger.finish(withHandler.seq(), ItemState.SUCCEEDED, AttemptEnding.EXITED, 0, null, null); // 2 s from its start
    ItemRecord noHandler = claim(ledger, "ideas", "n");
    clock.advance(Duration.ofMillis(200));
    ledger.finish(noHandler.seq(), ItemState.SUCCEEDED, AttemptEnding.EXITED, 0, null, null); // 0.2 s from the claim
    ItemRecord handedBack = claim(ledger, "ideas", "b");
    clock.advance(Duration.ofHours(2));
    ledger.handBack(handedBack.seq(), "worker stopping"); // did not run to an end: no duration
    ItemRecord longOne = claim(ledger, "ideas", "l");
    clock.advance(Duration.ofHours(2));
    ledger.finish(longOne.seq(), ItemState.DEAD, AttemptEnding.TIMEOUT, null, "timeout", null); // over the last bound

    DurationHistogram d = view().attemptStats().get("ideas").durations();
    List<Double> bounds = DurationHistogram.BOUNDS_SECONDS;
    assertThat(d.bucketCounts().get(bounds.indexOf(2.5))).isEqualTo(1);
    assertThat(d.bucketCounts().get(bounds.indexOf(0.25))).isEqualTo(1);
    assertThat(d.overflow()).isEqualTo(1);
    assertThat(d.count()).isEqualTo(3);
    assertThat(d.sumSeconds()).isEqualTo(2.0 + 0.2 + 7200.0);
  }

  @Test
  void finishesThatShareOneCommitAreEachCounted() throws Exception {
    ItemLedger ledger = ledger();
    ledger.recordSeen("ideas", java.util.stream.IntStream.range(0, 200).mapToObj(i -> item("g" + i)).toList());
    List<ItemRecord> claimed = ledger.claimDue("ideas", 200);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
      for (ItemRecord r : claimed) {
        done.add(pool.submit(() -> ledger.finish(r.seq(), ItemState.SUCCEEDED, AttemptEnding.EXITED, 0, null, null)));
      }
      for (java.util.concurrent.Future<?> f : done) {
        f.get(30, java.util.concurrent.TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdown();
    }
    AttemptStats stats = view().attemptStats().get("ideas");
    assertThat(stats.endings()).containsEntry(AttemptEnding.EXITED, 200L);
    assertThat(stats.durations().count()).isEqualTo(200);
  }

  @Test
  void aDurationOnABoundFallsInThatBoundsBucket() {
    assertThat(SqlAttemptTally.bucketOf(0.0)).isZero();
    assertThat(SqlAttemptTally.bucketOf(0.05)).isZero();
    assertThat(SqlAttemptTally.bucketOf(0.051)).isEqualTo(1);
    assertThat(SqlAttemptTally.bucketOf(3600.0)).isEqualTo(DurationHistogram.BOUNDS_SECONDS.size() - 1);
    assertThat(SqlAttemptTally.bucketOf(3600.5)).isEqualTo(DurationHistogram.BOUNDS_SECONDS.size());
  }

  @Test
  void lastFinishedMovesWithEveryAttemptWithAnOutcomeAndLastSucceededOnlyWithASuccess() {
    ItemLedger ledger = ledger();
    LedgerView view = view();
    assertThat(view.flowBySource(clock.instant())).isEmpty();
    ItemRecord ok = claim(ledger, "ideas", "ok");
    clock.advance(Duration.ofSeconds(10));
    ledger.finish(ok.seq(), ItemState.SUCCEEDED, AttemptEnding.EXITED, 0, null, null);
    Instant succeededAt = clock.instant();
    ItemRecord bad = claim(ledger, "ideas", "bad");
    clock.advance(Duration.ofSeconds(10));
    ledger.finish(bad.seq(), ItemState.FAILED, AttemptEnding.EXITED, 1, "exit 1", clock.instant().plusSeconds(3600));
    Instant failedAt = clock.instant();
    ItemRecord back = claim(ledger, "ideas", "back");
    clock.advance(Duration.ofSeconds(10));
    ledger.handBack(back.seq(), "worker stopping");
    ItemRecord gone = claim(ledger, "ideas", "gone");
    clock.advance(Duration.ofSeconds(10));
    ledger.deadWithoutRunning(gone.seq(), "handler missing");

    SourceFlow flow = view.flowBySource(clock.instant()).get("ideas");
    assertThat(flow.lastFinishedAt()).isEqualTo(failedAt);
    assertThat(flow.lastSucceededAt()).isEqualTo(succeededAt);
  }

  @Test
  void oldestDueSinceIsWhenThePendingOrDueFailedItemThatWaitedLongestBecameDue() {
    ItemLedger ledger = ledger();
    LedgerView view = view();
    ItemRecord retried = claim(ledger, "ideas", "retried");
    ledger.finish(retried.seq(), ItemState.FAILED, AttemptEnding.EXITED, 1, "exit 1", T0.plusSeconds(5));
    clock.advance(Duration.ofSeconds(2));
    ledger.recordSeen("ideas", List.of(item("waiting")));
    ledger.recordSeen("qa", List.of(item("q")));
    ItemRecord done = claim(ledger, "done", "d");
    ledger.finish(done.seq(), ItemState.SUCCEEDED, AttemptEnding.EXITED, 0, null, null);

    Map<String, SourceFlow> before = view.flowBySource(T0.plusSeconds(4));
    assertThat(before.get("ideas").oldestDueSince()).as("the failed one is not due yet").isEqualTo(T0.plusSeconds(2));
    assertThat(before.get("qa").oldestDueSince()).isEqualTo(T0.plusSeconds(2));
    assertThat(before.get("done").oldestDueSince()).as("nothing due").isNull();
    assertThat(before.get("ideas").oldestDueAge(T0.plusSeconds(4))).isEqualTo(Duration.ofSeconds(2));
    assertThat(view.flowBySource(T0.plusSeconds(6)).get("ideas").oldestDueSince()).isEqualTo(T0.plusSeconds(2));
    clock.advance(Duration.ofSeconds(10));
    assertThat(ledger.claimDue("ideas", 5)).hasSize(2);
    assertThat(view.flowBySource(clock.instant()).get("ideas").oldestDueSince()).as("both running").isNull();
  }

  @Test
  void theNewestItemInAStateIsTheOneThatFinishedLast() {
    ItemLedger ledger = ledger();
    LedgerView view = view();
    assertThat(view.newestInState("ideas", ItemState.DEAD)).isEmpty();
    for (String id : List.of("b", "a", "c")) {
      clock.advance(Duration.ofSeconds(1));
      ledger.finish(claim(ledger, "ideas", id).seq(), ItemState.DEAD, AttemptEnding.EXITED, 2, "exit 2", null);
    }
    ledger.finish(claim(ledger, "qa", "z").seq(), ItemState.DEAD, AttemptEnding.EXITED, 2, "exit 2", null);
    assertThat(view.newestInState("ideas", ItemState.DEAD)).get().extracting(ItemRecord::id).isEqualTo("c");
    assertThat(view.newestInState("ideas", ItemState.SUCCEEDED)).isEmpty();
  }

  @Test
  void aSchema3LedgerIsMigratedWithItsEndingsAndLastFinishesCountedAndAViewReadsItBeforeThat() throws SQLException {
    org.junit.jupiter.api.Assumptions.assumeTrue(onSqliteFile(), "a SQLite file's own behaviour");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("ledger.db"));
        Statement st = c.createStatement()) {
      for (String sql : SqliteSchema.statementsUpTo(3)) {
        st.executeUpdate(sql);
      }
      st.executeUpdate("INSERT INTO meta (key, value) VALUES ('schema', '3')");
      st.executeUpdate("INSERT INTO items (seq, source, item_id, content_hash, payload, state, attempts, next_attempt_at,"
          + " first_seen_at, updated_at, last_finished_at) VALUES"
          + " (1, 'ideas', 'a', 'h', '{}', 'succeeded', 1, 2000, 1000, 2000, 2000),"
          + " (2, 'ideas', 'b', 'h', '{}', 'dead', 1, 3000, 1000, 3000, 3000)");
      st.executeUpdate("INSERT INTO transitions (item_seq, at, from_state, to_state, attempt, exit_code, ending) VALUES"
          + " (1, 2000, 'running', 'succeeded', 1, 0, 'exited'), (2, 3000, 'running', 'dead', 1, NULL, 'timeout')");
    }
    try (LedgerView old = SqliteLedgerStore.at(file()).openView()) {
      assertThat(old.attemptStats()).isEmpty();
      assertThat(old.flowBySource(T0).get("ideas"))
          .isEqualTo(new SourceFlow(null, Instant.ofEpochMilli(3000), Instant.ofEpochMilli(2000)));
    }
    ledger();
    LedgerView view = view();
    assertThat(view.attemptStats().get("ideas").endings()).containsEntry(AttemptEnding.EXITED, 1L)
        .containsEntry(AttemptEnding.TIMEOUT, 1L);
    assertThat(view.flowBySource(T0).get("ideas"))
        .isEqualTo(new SourceFlow(null, Instant.ofEpochMilli(3000), Instant.ofEpochMilli(2000)));
  }
}
