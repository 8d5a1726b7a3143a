package dev.tended.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every ledger implementation owes the worker, the heartbeat and the operator
 * commands. A subclass supplies the implementation ({@link #store}) and a way to hold its write lock
 * from outside, as another process (a CLI command) would.
 */
abstract class LedgerContractTest {
  private final List<AutoCloseable> opened = new ArrayList<>();

  /** The implementation under test, on fresh storage for each test. */
  protected abstract LedgerStore store();

  /** Takes the ledger's write lock as another process would, until the returned handle is closed. */
  protected abstract AutoCloseable holdWriteLockElsewhere() throws Exception;

  @AfterEach
  void closeWhatWasOpened() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
  }

  private <T extends AutoCloseable> T kept(T c) {
    opened.add(c);
    return c;
  }

  protected ItemLedger ledger() {
    return kept(store().openItemLedger(Clock.systemUTC()));
  }

  protected LedgerView view() {
    return kept(store().openView());
  }

  protected LedgerAdmin admin() {
    return kept(store().openAdmin(Clock.systemUTC()));
  }

  protected static NewItem item(String id, String content) {
    return new NewItem(id, "hash-" + content, "{\"id\":\"" + id + "\",\"c\":\"" + content + "\"}");
  }

  @Test
  void identicalContentIsRecordedOnceAndChangedContentIsANewVersion() {
    ItemLedger ledger = ledger();
    LedgerView view = view();
    assertThat(ledger.recordSeen("ideas", List.of(item("1", "a"), item("2", "a")))).isEqualTo(2);
    assertThat(ledger.recordSeen("ideas", List.of(item("1", "a"), item("2", "a")))).isZero();
    assertThat(ledger.recordSeen("ideas", List.of(item("1", "b")))).isEqualTo(1);
    assertThat(view.versions("ideas", "1")).hasSize(2);
    assertThat(view.counts("ideas").get(ItemState.PENDING)).isEqualTo(3);
    for (String id : List.of("1", "2")) {
      assertThat(view.versions("ideas", id)).allSatisfy(
          v -> assertThat(view.transitionsTo(v.seq(), ItemState.PENDING)).as("seen once: %s", v).isEqualTo(1));
    }
  }

  @Test
  void itemsFinishedOnManyThreadsAtOnceAreEachFinishedOnceWithTheirOwnOutcome() throws Exception {
    ItemLedger ledger = ledger();
    LedgerView view = view();
    List<NewItem> items = IntStream.range(0, 400).mapToObj(i -> item("c" + i, "x")).toList();
    ledger.recordSeen("ideas", items);
    List<ItemRecord> claimed = ledger.claimDue("ideas", 400);
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (ItemRecord r : claimed) {
        boolean even = Integer.parseInt(r.id().substring(1)) % 2 == 0;
        done.add(pool.submit(() -> ledger.finish(r.seq(), even ? ItemState.SUCCEEDED : ItemState.DEAD, AttemptEnding.EXITED, even ? 0 : 3, even ? null : "exit 3", null)));
      }
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdown();
    }
    assertThat(view.counts("ideas").get(ItemState.SUCCEEDED)).isEqualTo(200);
    assertThat(view.counts("ideas").get(ItemState.DEAD)).isEqualTo(200);
    assertThat(view.inState("ideas", ItemState.DEAD)).allSatisfy(r -> {
      assertThat(r.lastExitCode()).isEqualTo(3);
      assertThat(r.lastError()).isEqualTo("exit 3");
    });
    for (ItemRecord r : claimed) {
      assertThat(view.transitionsTo(r.seq(), ItemState.SUCCEEDED) + view.transitionsTo(r.seq(), ItemState.DEAD))
          .isEqualTo(1);
    }
  }

  @Test
  void finishingAnItemThatIsNotRunningFailsAndChangesNothing() {
    ItemLedger ledger = ledger();
    LedgerView view = view();
    ledger.recordSeen("ideas", List.of(item("f", "x")));
    ItemRecord claimed = ledger.claimDue("ideas", 1).get(0);
    ledger.finish(claimed.seq(), ItemState.SUCCEEDED, AttemptEnding.EXITED, 0, null, null);
    assertThatThrownBy(() -> ledger.finish(claimed.seq(), ItemState.DEAD, AttemptEnding.EXITED, 1, "late", null))
        .isInstanceOf(ItemNotRunningException.class)
        .hasMessageContaining("is not running");
    assertThat(view.versions("ideas", "f").get(0).state()).isEqualTo(ItemState.SUCCEEDED);
    assertThat(view.transitionsTo(claimed.seq(), ItemState.DEAD)).isZero();
  }

  @Test
  void dueFailedAndPendingItemsAreClaimedTogetherInFirstSeenOrderAndFailedOnesNotYetDueWait() {
    ItemLedger ledger = ledger();
    LedgerView view = view();
    ledger.recordSeen("ideas", List.of(item("a", "x"), item("b", "x"), item("c", "x"), item("d", "x")));
    List<ItemRecord> first = ledger.claimDue("ideas", 2);
    ledger.finish(first.get(0).seq(), ItemState.FAILED, AttemptEnding.EXITED, 1, "exit 1", Instant.now().minusSeconds(1));
    ledger.finish(first.get(1).seq(), ItemState.FAILED, AttemptEnding.EXITED, 1, "exit 1", Instant.now().plusSeconds(3600));

    List<ItemRecord> next = ledger.claimDue("ideas", 2);
    assertThat(next).extracting(ItemRecord::id).containsExactly("a", "c");
    assertThat(next.get(0).attempts()).isEqualTo(2);
    assertThat(ledger.claimDue("ideas", 5)).extracting(ItemRecord::id).containsExactly("d");
    assertThat(view.transitionsTo(next.get(0).seq(), ItemState.RUNNING)).isEqualTo(2);
  }

  @Test
  void handingBackAnItemThatIsNoLongerRunningChangesNothingAndRecordsNoTransition() {
    ItemLedger ledger = ledger();
    LedgerView view = view();
    ledger.recordSeen("ideas", List.of(item("h", "x")));
    ItemRecord claimed = ledger.claimDue("ideas", 1).get(0);
    ledger.finish(claimed.seq(), ItemState.SUCCEEDED, AttemptEnding.EXITED, 0, "ok", null);
    int before = view.transitionsTo(claimed.seq(), ItemState.PENDING);
    ledger.handBack(claimed.seq(), "late hand-back");
    assertThat(view.versions("ideas", "h").get(0).state()).isEqualTo(ItemState.SUCCEEDED);
    assertThat(view.transitionsTo(claimed.seq(), ItemState.PENDING)).isEqualTo(before);
  }

  @Test
  void itemsAreClaimedInFirstSeenOrderWithTheirAttemptCounted() {
    ItemLedger ledger = ledger();
    ledger.recordSeen("ideas", List.of(item("b", "x"), item("a", "x"), item("c", "x")));
    List<ItemRecord> claimed = ledger.claimDue("ideas", 2);
    assertThat(claimed).extracting(ItemRecord::id).containsExactly("b", "a");
    assertThat(claimed).allSatisfy(r -> {
      assertThat(r.state()).isEqualTo(ItemState.RUNNING);
      assertThat(r.attempts()).isEqualTo(1);
    });
    assertThat(ledger.claimDue("ideas", 5)).extracting(ItemRecord::id).containsExactly("c");
  }

  @Test
  void everyStateSurvivesReopeningAndRunningItemsAreRecoveredWithTheirAttemptKept() {
    try (ItemLedger ledger = store().openItemLedger(Clock.systemUTC())) {
      ledger.recordSeen("qa", List.of(item("1", "x"), item("2", "x"), item("3", "x")));
      List<ItemRecord> claimed = ledger.claimDue("qa", 3);
      ledger.finish(claimed.get(0).seq(), ItemState.SUCCEEDED, AttemptEnding.EXITED, 0, null, null);
      ledger.finish(claimed.get(1).seq(), ItemState.DEAD, AttemptEnding.EXITED, 65, "exit 65", null);
    }
    ItemLedger ledger = ledger();
    assertThat(view().counts("qa")).containsEntry(ItemState.SUCCEEDED, 1L)
        .containsEntry(ItemState.DEAD, 1L).containsEntry(ItemState.RUNNING, 1L);
    assertThat(ledger.recoverInterrupted()).isEqualTo(1);
    List<ItemRecord> again = ledger.claimDue("qa", 5);
    assertThat(again).extracting(ItemRecord::id).containsExactly("3");
    assertThat(again.get(0).attempts()).isEqualTo(2);
  }

  @Test
  void failedItemWaitsForItsNextAttemptTime() {
    ItemLedger ledger = ledger();
    ledger.recordSeen("qa", List.of(item("1", "x")));
    long seq = ledger.claimDue("qa", 1).get(0).seq();
    ledger.finish(seq, ItemState.FAILED, AttemptEnding.EXITED, 1, "exit 1", Instant.now().plusSeconds(3600));
    assertThat(ledger.claimDue("qa", 1)).isEmpty();
    assertThat(ledger.nextRetryAt("qa")).isPresent();
  }

  @Test
  void handedBackItemIsPendingWithoutTheAttemptCounted() {
    ItemLedger ledger = ledger();
    ledger.recordSeen("qa", List.of(item("1", "x")));
    long seq = ledger.claimDue("qa", 1).get(0).seq();
    ledger.handBack(seq, "worker stopping");
    ItemRecord r = ledger.claimDue("qa", 1).get(0);
    assertThat(r.attempts()).isEqualTo(1);
  }

  @Test
  void operatorRetryPutsADeadItemBackToPendingAndIsRecorded() {
    ItemLedger ledger = ledger();
    LedgerView view = view();
    ledger.recordSeen("qa", List.of(item("7", "x")));
    long seq = ledger.claimDue("qa", 1).get(0).seq();
    ledger.finish(seq, ItemState.DEAD, AttemptEnding.EXITED, 65, "exit 65", null);
    assertThat(ledger.retryDead("qa", "nope", "operator")).isEmpty();
    assertThat(ledger.retryDead("qa", "7", "operator")).isPresent();
    assertThat(view.counts("qa").get(ItemState.PENDING)).isEqualTo(1);
    assertThat(view.transitionsTo(seq, ItemState.PENDING)).isEqualTo(2);
    assertThat(view.integrityCheck()).isEmpty();
    assertThat(ledger.claimDue("qa", 1)).extracting(ItemRecord::attempts).containsExactly(1);
  }

  @Test
  void itemGivenUpWithoutRunningIsDeadWithOnlyTheAttemptsThatRan() {
    ItemLedger ledger = ledger();
    ledger.recordSeen("qa", List.of(item("1", "x")));
    ledger.claimDue("qa", 1);
    ledger.recoverInterrupted();
    long seq = ledger.claimDue("qa", 1).get(0).seq();
    ledger.deadWithoutRunning(seq, "interrupted during its last attempt (attempt 1 of 1); not run again");
    ItemRecord r = view().versions("qa", "1").get(0);
    assertThat(r.state()).isEqualTo(ItemState.DEAD);
    assertThat(r.attempts()).isEqualTo(1);
    assertThat(r.lastError()).endsWith("not run again");
  }

  @Test
  void aRestoredFinishedItemIsNeverSeenAsNewAgain() {
    LedgerAdmin admin = admin();
    ItemLedger ledger = ledger();
    assertThat(admin.restoreFinished("ideas", "a", "h1", "{}", ItemState.SUCCEEDED, 2, null, 0, "ok")).isTrue();
    assertThat(admin.restoreFinished("ideas", "a", "h1", "{}", ItemState.SUCCEEDED, 2, null, 0, "ok")).isFalse();
    assertThat(ledger.recordSeen("ideas", List.of(new NewItem("a", "h1", "{}")))).isZero();
    assertThat(ledger.recordSeen("ideas", List.of(new NewItem("a", "h2", "{}")))).isEqualTo(1);
    assertThat(view().versions("ideas", "a")).extracting(ItemRecord::state)
        .containsExactly(ItemState.SUCCEEDED, ItemState.PENDING);
  }

  @Test
  void aLaterVersionOfAnIdWaitsWhileTheOlderIsPendingOrRunningAndIsClaimedOnceItSucceeded() {
    ItemLedger ledger = ledger();
    ledger.recordSeen("ideas", List.of(item("42", "first"), item("7", "x"), item("42", "second")));
    List<ItemRecord> claimed = ledger.claimDue("ideas", 10);
    assertThat(claimed).extracting(ItemRecord::id, ItemRecord::contentHash)
        .containsExactly(tuple("42", "hash-first"), tuple("7", "hash-x"));
    assertThat(ledger.claimDue("ideas", 10)).as("second version while the first runs").isEmpty();

    ledger.finish(claimed.get(0).seq(), ItemState.SUCCEEDED, AttemptEnding.EXITED, 0, null, null);
    assertThat(ledger.claimDue("ideas", 10)).extracting(ItemRecord::contentHash).containsExactly("hash-second");
  }

  @Test
  void aLaterVersionOfAnIdWaitsWhileTheOlderFailedAndAwaitsItsRetry() {
    ItemLedger ledger = ledger();
    ledger.recordSeen("ideas", List.of(item("42", "first"), item("42", "second")));
    long first = ledger.claimDue("ideas", 10).get(0).seq();
    ledger.finish(first, ItemState.FAILED, AttemptEnding.EXITED, 1, "exit 1", Instant.now().plusSeconds(3600));
    assertThat(ledger.claimDue("ideas", 10)).as("second version while the first waits for its retry").isEmpty();

    ledger.recoverInterrupted(); // nothing running: changes nothing
    assertThat(ledger.claimDue("ideas", 10)).isEmpty();
  }

  @Test
  void aDeadOlderVersionDoesNotHoldALaterOneBack() {
    ItemLedger ledger = ledger();
    ledger.recordSeen("ideas", List.of(item("42", "first"), item("42", "second")));
    long first = ledger.claimDue("ideas", 10).get(0).seq();
    ledger.finish(first, ItemState.DEAD, AttemptEnding.EXITED, 65, "exit 65", null);
    assertThat(ledger.claimDue("ideas", 10)).extracting(ItemRecord::contentHash).containsExactly("hash-second");
  }

  @Test
  void anOlderVersionRetriedByTheOperatorRunsBeforeALaterPendingOne() {
    ItemLedger ledger = ledger();
    ledger.recordSeen("ideas", List.of(item("42", "first")));
    long first = ledger.claimDue("ideas", 10).get(0).seq();
    ledger.finish(first, ItemState.DEAD, AttemptEnding.EXITED, 65, "exit 65", null);
    ledger.recordSeen("ideas", List.of(item("42", "second")));
    ledger.retryDead("ideas", "42", "operator");
    assertThat(ledger.claimDue("ideas", 10)).extracting(ItemRecord::contentHash).containsExactly("hash-first");
    assertThat(ledger.claimDue("ideas", 10)).isEmpty();
  }

  @Test
  void theViewAnswersWhileAnotherProcessHoldsTheWriteLockAndTheWorkerWaitsForIt() throws Exception {
    ItemLedger ledger = ledger();
    LedgerView view = view();
    ledger.recordSeen("ideas", List.of(item("1", "x")));
    try (AutoCloseable lock = holdWriteLockElsewhere()) {
      CompletableFuture<Integer> blockedWrite = CompletableFuture.supplyAsync(
          () -> ledger.recordSeen("ideas", List.of(item("2", "x"))));
      long t0 = System.nanoTime();
      // what a heartbeat reads, while the worker's own write waits behind the other process
      assertThat(view.counts("ideas").get(ItemState.PENDING)).isEqualTo(1);
      assertThat(view.recent(5)).hasSize(1);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
      assertThat(blockedWrite).isNotDone();
      lock.close();
      assertThat(blockedWrite.get(30, TimeUnit.SECONDS)).isEqualTo(1);
    }
    assertThat(view.counts("ideas").get(ItemState.PENDING)).isEqualTo(2);
  }

  @Test
  void aViewOpenedFirstSeesWhatTheWorkerCommitsLater() {
    ItemLedger ledger = ledger();
    LedgerView view = view();
    assertThat(view.countsBySource()).isEmpty();
    ledger.recordSeen("qa", List.of(item("1", "x")));
    assertThat(view.counts("qa").get(ItemState.PENDING)).isEqualTo(1);
    assertThat(view.countInState(ItemState.PENDING)).isEqualTo(1);
    assertThat(view.inState("qa", ItemState.PENDING)).extracting(ItemRecord::id).containsExactly("1");
  }
  private static HandlerRecord handlerOf(ItemRecord item, long pid) {
    return new HandlerRecord(item.seq(), item.attempts(), item.attemptToken(), "boot-1", pid, 100 + pid, pid + 1,
        200 + pid, Instant.ofEpochMilli(1_700_000_000_000L), "{\"timeout\":\"5s\"}");
  }

  private ItemRecord claimOne(ItemLedger ledger, String id) {
    ledger.recordSeen("ideas", List.of(item(id, "x")));
    return ledger.claimDue("ideas", 1).get(0);
  }

  @Test
  void eachClaimCarriesAFreshAttemptTokenThatTheLedgerKeeps() {
    ItemLedger ledger = ledger();
    ItemRecord first = claimOne(ledger, "t");
    assertThat(first.attemptToken()).isNotBlank();
    assertThat(view().versions("ideas", "t").get(0).attemptToken()).isEqualTo(first.attemptToken());
    ledger.handBack(first.seq(), "worker stopping");
    ItemRecord second = ledger.claimDue("ideas", 1).get(0);
    assertThat(second.attemptToken()).isNotBlank().isNotEqualTo(first.attemptToken());
  }

  @Test
  void aRecordedHandlerIsListedWithItsRunningItemByTheLedgerAndTheView() {
    ItemLedger ledger = ledger();
    ItemRecord withHandler = claimOne(ledger, "a");
    ItemRecord without = claimOne(ledger, "b");
    HandlerRecord handler = handlerOf(withHandler, 4242);
    ledger.handlerStarted(handler);
    for (List<RunningItem> running : List.of(ledger.running(), view().running())) {
      assertThat(running).extracting(r -> r.item().id()).containsExactly("a", "b");
      assertThat(running.get(0).handler()).contains(handler);
      assertThat(running.get(1).handler()).isEmpty();
      assertThat(running.get(1).item().attemptToken()).isEqualTo(without.attemptToken());
    }
  }

  @Test
  void recordingAHandlerAgainReplacesTheOneRecordedBefore() {
    ItemLedger ledger = ledger();
    ItemRecord claimed = claimOne(ledger, "a");
    ledger.handlerStarted(handlerOf(claimed, 10));
    ledger.handlerStarted(handlerOf(claimed, 20));
    assertThat(ledger.running()).singleElement().satisfies(r -> assertThat(r.handler()).contains(handlerOf(claimed, 20)));
  }

  @Test
  void aHandlerCannotBeRecordedForAnItemThatIsNotRunning() {
    ItemLedger ledger = ledger();
    ItemRecord claimed = claimOne(ledger, "a");
    ledger.finish(claimed.seq(), ItemState.SUCCEEDED, AttemptEnding.EXITED, 0, null, null);
    assertThatThrownBy(() -> ledger.handlerStarted(handlerOf(claimed, 10))).isInstanceOf(ItemNotRunningException.class);
    assertThat(ledger.running()).isEmpty();
  }

  /** The item, claimed again, shows no handler: the one of its ended attempt was forgotten with it. */
  private static void assertThatNextAttemptHasNoHandlerYet(ItemLedger ledger) {
    assertThat(ledger.running()).isEmpty();
    assertThat(ledger.claimDue("ideas", 1)).hasSize(1);
    assertThat(ledger.running()).singleElement().satisfies(r -> assertThat(r.handler()).isEmpty());
  }

  @Test
  void finishingRecordsTheEndingAndForgetsTheHandler() {
    ItemLedger ledger = ledger();
    ItemRecord claimed = claimOne(ledger, "a");
    ledger.handlerStarted(handlerOf(claimed, 10));
    ledger.finish(claimed.seq(), ItemState.FAILED, AttemptEnding.TIMEOUT, null, "timed out after 5s",
        Instant.now().minusSeconds(1));
    assertThatNextAttemptHasNoHandlerYet(ledger);
    assertThat(view().attempts(claimed.seq())).first().satisfies(a -> {
      assertThat(a.attempt()).isEqualTo(1);
      assertThat(a.ending()).isEqualTo(AttemptEnding.TIMEOUT);
      assertThat(a.exitCode()).isNull();
      assertThat(a.detail()).isEqualTo("timed out after 5s");
      assertThat(a.finishedAt()).isAfterOrEqualTo(a.startedAt());
    });
  }

  @Test
  void finishingWithAnEndingThatDoesNotCountTakesTheClaimedAttemptBack() {
    ItemLedger ledger = ledger();
    ItemRecord claimed = claimOne(ledger, "a");
    ledger.finish(claimed.seq(), ItemState.DEAD, AttemptEnding.CANCELLED, null, "cancelled by an operator", null);
    assertThat(view().versions("ideas", "a").get(0).attempts()).isZero();
  }

  @Test
  void finishRefusesTheEndingsThatHaveTheirOwnMethods() {
    ItemLedger ledger = ledger();
    ItemRecord claimed = claimOne(ledger, "a");
    for (AttemptEnding own : List.of(AttemptEnding.HANDED_BACK, AttemptEnding.INTERRUPTED)) {
      assertThatThrownBy(() -> ledger.finish(claimed.seq(), ItemState.FAILED, own, null, "x", null))
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(view().versions("ideas", "a").get(0).state()).isEqualTo(ItemState.RUNNING);
  }

  @Test
  void anInterruptedAttemptIsNotCountedAndItsItemRunsAgainFirstInLine() {
    ItemLedger ledger = ledger();
    ledger.recordSeen("ideas", List.of(item("first", "x"), item("second", "x")));
    ItemRecord claimed = ledger.claimDue("ideas", 1).get(0);
    ledger.handlerStarted(handlerOf(claimed, 10));
    assertThat(ledger.interrupted(claimed.seq(), "its handler died with the worker", 5)).isEqualTo(ItemState.PENDING);
    ItemRecord r = view().versions("ideas", "first").get(0);
    assertThat(r.state()).isEqualTo(ItemState.PENDING);
    assertThat(r.attempts()).isZero();
    assertThat(r.interruptions()).isEqualTo(1);
    assertThat(view().attempts(claimed.seq())).singleElement()
        .satisfies(a -> assertThat(a.ending()).isEqualTo(AttemptEnding.INTERRUPTED));
    assertThat(ledger.running()).isEmpty();
    List<ItemRecord> again = ledger.claimDue("ideas", 1);
    assertThat(again).extracting(ItemRecord::id, ItemRecord::attempts).containsExactly(tuple("first", 1));
    assertThat(ledger.running()).singleElement().satisfies(run -> assertThat(run.handler()).isEmpty());
  }

  @Test
  void anItemInterruptedMaxInterruptionsTimesIsDeadSayingHowOften() {
    ItemLedger ledger = ledger();
    ItemRecord claimed = claimOne(ledger, "a");
    assertThat(ledger.interrupted(claimed.seq(), "its handler died with the worker", 2)).isEqualTo(ItemState.PENDING);
    ledger.claimDue("ideas", 1);
    assertThat(ledger.interrupted(claimed.seq(), "its handler died with the worker", 2)).isEqualTo(ItemState.DEAD);
    ItemRecord r = view().versions("ideas", "a").get(0);
    assertThat(r.state()).isEqualTo(ItemState.DEAD);
    assertThat(r.attempts()).isZero();
    assertThat(r.interruptions()).isEqualTo(2);
    assertThat(r.lastError()).startsWith("interrupted 2 times: its handler died with its worker each time")
        .contains("not run again");
  }

  @Test
  void interruptingAnItemThatIsNotRunningFailsAndChangesNothing() {
    ItemLedger ledger = ledger();
    ItemRecord claimed = claimOne(ledger, "a");
    ledger.finish(claimed.seq(), ItemState.SUCCEEDED, AttemptEnding.EXITED, 0, null, null);
    assertThatThrownBy(() -> ledger.interrupted(claimed.seq(), "late", 5)).isInstanceOf(ItemNotRunningException.class);
    assertThat(view().versions("ideas", "a").get(0).interruptions()).isZero();
  }

  @Test
  void handingBackRecordsTheEndingHandedBackAndForgetsTheHandler() {
    ItemLedger ledger = ledger();
    ItemRecord claimed = claimOne(ledger, "a");
    ledger.handlerStarted(handlerOf(claimed, 10));
    ledger.handBack(claimed.seq(), "worker stopping");
    assertThatNextAttemptHasNoHandlerYet(ledger);
    assertThat(view().attempts(claimed.seq())).first().satisfies(a -> {
      assertThat(a.ending()).isEqualTo(AttemptEnding.HANDED_BACK);
      assertThat(a.detail()).isEqualTo("worker stopping");
    });
  }

  @Test
  void anItemDeadWithoutRunningEndsItsAttemptNotStartedAndForgetsTheHandler() {
    ItemLedger ledger = ledger();
    ItemRecord claimed = claimOne(ledger, "a");
    ledger.handlerStarted(handlerOf(claimed, 10));
    ledger.deadWithoutRunning(claimed.seq(), "not run again");
    assertThat(view().attempts(claimed.seq())).extracting(AttemptRecord::ending)
        .containsExactly(AttemptEnding.NOT_STARTED);
    ledger.retryDead("ideas", "a", "operator");
    assertThatNextAttemptHasNoHandlerYet(ledger);
  }

  @Test
  void theAttemptsOfAnItemAreListedInOrderWithTheirEndingsAndTheRunningOneLast() {
    ItemLedger ledger = ledger();
    ItemRecord claimed = claimOne(ledger, "a");
    ledger.finish(claimed.seq(), ItemState.FAILED, AttemptEnding.EXITED, 1, "exit 1", Instant.now().minusSeconds(1));
    ledger.claimDue("ideas", 1);
    ledger.interrupted(claimed.seq(), "its handler died with the worker", 5);
    ledger.claimDue("ideas", 1);
    ledger.handBack(claimed.seq(), "worker stopping");
    ledger.claimDue("ideas", 1);
    List<AttemptRecord> attempts = ledger.attempts(claimed.seq());
    assertThat(attempts).isEqualTo(view().attempts(claimed.seq()));
    assertThat(attempts).extracting(AttemptRecord::attempt, AttemptRecord::ending, AttemptRecord::exitCode)
        .containsExactly(tuple(1, AttemptEnding.EXITED, 1), tuple(2, AttemptEnding.INTERRUPTED, null),
            tuple(2, AttemptEnding.HANDED_BACK, null), tuple(2, null, null));
    assertThat(attempts.get(3).finishedAt()).isNull();
  }

  @Test
  void anOperatorRetryResetsTheInterruptions() {
    ItemLedger ledger = ledger();
    ItemRecord claimed = claimOne(ledger, "a");
    ledger.interrupted(claimed.seq(), "its handler died with the worker", 1);
    assertThat(ledger.retryDead("ideas", "a", "operator")).isPresent();
    assertThat(view().versions("ideas", "a").get(0).interruptions()).isZero();
  }

  @Test
  void aPauseIsKeptUntilResumedAndReadByTheWorkerAndTheView() {
    ItemLedger ledger = ledger();
    Instant since = Instant.parse("2026-12-02T10:00:00Z");
    ledger.pause(new SourcePause("ideas", true, since, "user=alice uid=1000"));
    assertThat(ledger.pauses()).containsOnlyKeys("ideas");
    assertThat(view().pauses().get("ideas")).isEqualTo(new SourcePause("ideas", true, since, "user=alice uid=1000"));
    ledger.pause(new SourcePause("ideas", false, since, "user=bob"));
    assertThat(ledger.pauses().get("ideas").drain()).isFalse();
    assertThat(ledger.resume("ideas")).isTrue();
    assertThat(ledger.resume("ideas")).as("not paused any more").isFalse();
    assertThat(view().pauses()).isEmpty();
  }

  @Test
  void theDeadItemsReadAndRetriedAreExactlyThoseTheSelectionMatches() {
    ItemLedger ledger = ledger();
    List<NewItem> items = new ArrayList<>();
    IntStream.range(0, 12).forEach(i -> items.add(item("d" + i, "x")));
    ledger.recordSeen("ideas", items);
    ledger.recordSeen("qa", List.of(item("other", "x")));
    List<ItemRecord> claimed = ledger.claimDue("ideas", 12);
    for (int i = 0; i < claimed.size(); i++) {
      ItemState to = i % 4 == 3 ? ItemState.SUCCEEDED : ItemState.DEAD;
      ledger.finish(claimed.get(i).seq(), to, AttemptEnding.EXITED, i % 3, "exit " + (i % 3), null);
    }
    ledger.finish(ledger.claimDue("qa", 1).get(0).seq(), ItemState.DEAD, AttemptEnding.EXITED, 1, "exit 1", null);
    LedgerView view = view();
    List<ItemRecord> dead = view.inState("ideas", ItemState.DEAD);
    Instant mid = dead.get(dead.size() / 2).updatedAt();
    for (Instant since : new Instant[] {null, mid, mid.plusNanos(1), mid.minusNanos(1), Instant.now().plusSeconds(60)}) {
      for (Integer exit : new Integer[] {null, 0, 1, 2, 7}) {
        DeadSelection selection = new DeadSelection("ideas", since, exit);
        assertThat(view.dead(selection)).as("since %s exit %s", since, exit)
            .isEqualTo(dead.stream().filter(selection::matches).toList());
      }
    }
    DeadSelection exit1 = new DeadSelection("ideas", null, 1);
    List<ItemRecord> expected = view.dead(exit1);
    assertThat(ledger.retryDead(exit1, "operator retry (user=alice)")).extracting(ItemRecord::seq)
        .containsExactlyElementsOf(expected.stream().map(ItemRecord::seq).toList());
    assertThat(view.dead(exit1)).isEmpty();
    assertThat(view.counts("qa").get(ItemState.DEAD)).as("another source's dead item").isEqualTo(1);
    assertThat(view.integrityCheck()).isEmpty();
  }

  @Test
  void aWaitingItemCancelledIsDeadWithoutAnAttemptAndARunningOneIsNotTaken() {
    ItemLedger ledger = ledger();
    ledger.recordSeen("ideas", List.of(item("w", "x"), item("r", "x")));
    ItemRecord running = ledger.claimDue("ideas", 2).get(1);
    assertThat(running.id()).isEqualTo("r");
    long w = ledger.claimDue("ideas", 1).size(); // nothing more due
    assertThat(w).isZero();
    assertThat(ledger.cancelWaiting("ideas", "r", "cancelled by an operator (user=alice)")).isEmpty();
    assertThat(ledger.cancelWaiting("ideas", "nope", "x")).isEmpty();
    ItemRecord first = view().versions("ideas", "w").get(0);
    ledger.finish(first.seq(), ItemState.FAILED, AttemptEnding.EXITED, 1, "exit 1", Instant.now().plusSeconds(600));
    ItemRecord cancelled = ledger.cancelWaiting("ideas", "w", "cancelled by an operator (user=alice)").orElseThrow();
    assertThat(cancelled.state()).isEqualTo(ItemState.DEAD);
    assertThat(cancelled.attempts()).isEqualTo(1);
    assertThat(cancelled.lastError()).isEqualTo("cancelled by an operator (user=alice)");
    assertThat(ledger.cancelWaiting("ideas", "w", "again")).as("once").isEmpty();
    assertThat(view().attemptStats().get("ideas").endings().get(AttemptEnding.CANCELLED)).as("no attempt ran").isZero();
    assertThat(ledger.retryDead("ideas", "w", "operator retry")).map(ItemRecord::state).contains(ItemState.PENDING);
  }

  @Test
  void aCancelAskedOfARunningAttemptIsListedUntilItEndsAndARetryOfTheDeadItemForgetsIt() {
    ItemLedger ledger = ledger();
    ledger.recordSeen("ideas", List.of(item("c", "x"), item("other", "x")));
    List<ItemRecord> claimed = ledger.claimDue("ideas", 2);
    ItemRecord c = claimed.get(0);
    assertThat(ledger.cancelsAsked()).isEmpty();

    assertThat(ledger.askCancel(c.seq(), "user=alice")).isTrue();
    assertThat(ledger.cancelsAsked()).containsExactly(new CancelAsked(c.seq(), "ideas", "c", "user=alice"));
    ledger.finish(c.seq(), ItemState.DEAD, AttemptEnding.CANCELLED, null, "cancelled by an operator (user=alice)", null);
    assertThat(ledger.cancelsAsked()).as("an ended attempt is no longer asked").isEmpty();
    assertThat(ledger.askCancel(c.seq(), "user=bob")).as("not running").isFalse();
    assertThat(ledger.askCancel(9_999, "user=bob")).as("no such item").isFalse();

    ledger.retryDead("ideas", "c", "operator retry");
    ItemRecord again = ledger.claimDue("ideas", 1).get(0);
    assertThat(again.seq()).isEqualTo(c.seq());
    assertThat(ledger.cancelsAsked()).as("the retried item runs without the old cancel").isEmpty();
  }
  @Test
  void identityRecordsAreReadInTheOrderTheyWerePrunedOnePageAfterAnother() {
    Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
    SteppedClock clock = new SteppedClock(t0);
    ItemLedger ledger = kept(store().openItemLedger(clock));
    ledger.recordSeen("ideas", List.of(item("b", "x"), item("a", "x"), item("c", "x")));
    for (ItemRecord r : ledger.claimDue("ideas", 3)) {
      ledger.finish(r.seq(), ItemState.SUCCEEDED, AttemptEnding.EXITED, 0, null, null);
    }
    clock.advance(Duration.ofDays(1));
    Instant finishedBefore = clock.instant();
    assertThat(ledger.pruning().pruneFinished(finishedBefore, finishedBefore, 2)).hasSize(2);
    clock.advance(Duration.ofMinutes(1));
    assertThat(ledger.pruning().pruneFinished(finishedBefore, finishedBefore, 2)).hasSize(1);

    List<IdentityRecord> first = ledger.pruning().identitiesPrunedAfter(PruneCursor.since(Instant.EPOCH), 2);
    assertThat(first).extracting(IdentityRecord::prunedAt).containsOnly(finishedBefore);
    List<IdentityRecord> second = ledger.pruning().identitiesPrunedAfter(PruneCursor.after(first.get(1)), 2);
    assertThat(second).extracting(IdentityRecord::prunedAt).containsExactly(clock.instant());
    assertThat(ledger.pruning().identitiesPrunedAfter(PruneCursor.after(second.get(0)), 2)).isEmpty();
    assertThat(Stream.concat(first.stream(), second.stream()).map(IdentityRecord::id))
        .as("every record once").containsExactlyInAnyOrder("a", "b", "c");
    assertThat(view().identitiesPrunedAfter(PruneCursor.since(finishedBefore.plusSeconds(30)), 10))
        .as("the view reads the same, from a time").isEqualTo(second);
  }
}
