package dev.tended.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerTest {
  @TempDir Path dir;

  private Ledger open() {
    return Ledger.open(dir.resolve("ledger.db"), Clock.systemUTC());
  }

  private static NewItem item(String id, String content) {
    return new NewItem(id, "hash-" + content, "{\"id\":\"" + id + "\",\"c\":\"" + content + "\"}");
  }

  @Test
  void identicalContentIsRecordedOnceAndChangedContentIsANewVersion() {
    try (Ledger ledger = open()) {
      assertThat(ledger.recordSeen("ideas", List.of(item("1", "a"), item("2", "a")))).isEqualTo(2);
      assertThat(ledger.recordSeen("ideas", List.of(item("1", "a"), item("2", "a")))).isZero();
      assertThat(ledger.recordSeen("ideas", List.of(item("1", "b")))).isEqualTo(1);
      assertThat(ledger.versions("ideas", "1")).hasSize(2);
      assertThat(ledger.counts("ideas").get(ItemState.PENDING)).isEqualTo(3);
      for (String id : List.of("1", "2")) {
        assertThat(ledger.versions("ideas", id)).allSatisfy(
            v -> assertThat(ledger.transitionsTo(v.seq(), ItemState.PENDING)).as("seen once: %s", v).isEqualTo(1));
      }
    }
  }

  @Test
  void itemsFinishedOnManyThreadsAtOnceAreEachFinishedOnceWithTheirOwnOutcome() throws Exception {
    try (Ledger ledger = open()) {
      List<NewItem> items = IntStream.range(0, 400).mapToObj(i -> item("c" + i, "x")).toList();
      ledger.recordSeen("ideas", items);
      List<ItemRecord> claimed = ledger.claimDue("ideas", 400);
      ExecutorService pool = Executors.newFixedThreadPool(16);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (ItemRecord r : claimed) {
          boolean even = Integer.parseInt(r.id().substring(1)) % 2 == 0;
          done.add(pool.submit(() -> ledger.finish(r.seq(), even ? ItemState.SUCCEEDED : ItemState.DEAD,
              even ? 0 : 3, even ? null : "exit 3", null)));
        }
        for (Future<?> f : done) {
          f.get(30, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdown();
      }
      assertThat(ledger.counts("ideas").get(ItemState.SUCCEEDED)).isEqualTo(200);
      assertThat(ledger.counts("ideas").get(ItemState.DEAD)).isEqualTo(200);
      assertThat(ledger.inState("ideas", ItemState.DEAD)).allSatisfy(r -> {
        assertThat(r.lastExitCode()).isEqualTo(3);
        assertThat(r.lastError()).isEqualTo("exit 3");
      });
      for (ItemRecord r : claimed) {
        assertThat(ledger.transitionsTo(r.seq(), ItemState.SUCCEEDED) + ledger.transitionsTo(r.seq(), ItemState.DEAD))
            .isEqualTo(1);
      }
    }
  }

  @Test
  void finishingAnItemThatIsNotRunningFailsAndChangesNothing() {
    try (Ledger ledger = open()) {
      ledger.recordSeen("ideas", List.of(item("f", "x")));
      ItemRecord claimed = ledger.claimDue("ideas", 1).get(0);
      ledger.finish(claimed.seq(), ItemState.SUCCEEDED, 0, null, null);
      assertThatThrownBy(
              () -> ledger.finish(claimed.seq(), ItemState.DEAD, 1, "late", null))
          .isInstanceOf(ItemNotRunningException.class)
          .hasMessageContaining("is not running");
      assertThat(ledger.versions("ideas", "f").get(0).state()).isEqualTo(ItemState.SUCCEEDED);
      assertThat(ledger.transitionsTo(claimed.seq(), ItemState.DEAD)).isZero();
    }
  }

  @Test
  void dueFailedAndPendingItemsAreClaimedTogetherInFirstSeenOrderAndFailedOnesNotYetDueWait() {
    try (Ledger ledger = open()) {
      ledger.recordSeen("ideas", List.of(item("a", "x"), item("b", "x"), item("c", "x"), item("d", "x")));
      List<ItemRecord> first = ledger.claimDue("ideas", 2);
      ledger.finish(first.get(0).seq(), ItemState.FAILED, 1, "exit 1", Instant.now().minusSeconds(1));
      ledger.finish(first.get(1).seq(), ItemState.FAILED, 1, "exit 1", Instant.now().plusSeconds(3600));

      List<ItemRecord> next = ledger.claimDue("ideas", 2);
      assertThat(next).extracting(ItemRecord::id).containsExactly("a", "c");
      assertThat(next.get(0).attempts()).isEqualTo(2);
      assertThat(ledger.claimDue("ideas", 5)).extracting(ItemRecord::id).containsExactly("d");
      assertThat(ledger.transitionsTo(next.get(0).seq(), ItemState.RUNNING)).isEqualTo(2);
    }
  }

  @Test
  void handingBackAnItemThatIsNoLongerRunningChangesNothingAndRecordsNoTransition() {
    try (Ledger ledger = open()) {
      ledger.recordSeen("ideas", List.of(item("h", "x")));
      ItemRecord claimed = ledger.claimDue("ideas", 1).get(0);
      ledger.finish(claimed.seq(), ItemState.SUCCEEDED, 0, "ok", null);
      int before = ledger.transitionsTo(claimed.seq(), ItemState.PENDING);
      ledger.handBack(claimed.seq(), "late hand-back");
      assertThat(ledger.versions("ideas", "h").get(0).state()).isEqualTo(ItemState.SUCCEEDED);
      assertThat(ledger.transitionsTo(claimed.seq(), ItemState.PENDING)).isEqualTo(before);
    }
  }

  @Test
  void itemsAreClaimedInFirstSeenOrderWithTheirAttemptCounted() {
    try (Ledger ledger = open()) {
      ledger.recordSeen("ideas", List.of(item("b", "x"), item("a", "x"), item("c", "x")));
      List<ItemRecord> claimed = ledger.claimDue("ideas", 2);
      assertThat(claimed).extracting(ItemRecord::id).containsExactly("b", "a");
      assertThat(claimed).allSatisfy(r -> {
        assertThat(r.state()).isEqualTo(ItemState.RUNNING);
        assertThat(r.attempts()).isEqualTo(1);
      });
      assertThat(ledger.claimDue("ideas", 5)).extracting(ItemRecord::id).containsExactly("c");
    }
  }

  @Test
  void everyStateSurvivesReopeningAndRunningItemsAreRecoveredWithTheirAttemptKept() {
    try (Ledger ledger = open()) {
      ledger.recordSeen("qa", List.of(item("1", "x"), item("2", "x"), item("3", "x")));
      List<ItemRecord> claimed = ledger.claimDue("qa", 3);
      ledger.finish(claimed.get(0).seq(), ItemState.SUCCEEDED, 0, null, null);
      ledger.finish(claimed.get(1).seq(), ItemState.DEAD, 65, "exit 65", null);
    }
    try (Ledger ledger = open()) {
      assertThat(ledger.counts("qa")).containsEntry(ItemState.SUCCEEDED, 1L)
          .containsEntry(ItemState.DEAD, 1L).containsEntry(ItemState.RUNNING, 1L);
      assertThat(ledger.recoverInterrupted()).isEqualTo(1);
      List<ItemRecord> again = ledger.claimDue("qa", 5);
      assertThat(again).extracting(ItemRecord::id).containsExactly("3");
      assertThat(again.get(0).attempts()).isEqualTo(2);
    }
  }

  @Test
  void failedItemWaitsForItsNextAttemptTime() {
    try (Ledger ledger = open()) {
      ledger.recordSeen("qa", List.of(item("1", "x")));
      long seq = ledger.claimDue("qa", 1).get(0).seq();
      ledger.finish(seq, ItemState.FAILED, 1, "exit 1", Instant.now().plusSeconds(3600));
      assertThat(ledger.claimDue("qa", 1)).isEmpty();
      assertThat(ledger.nextRetryAt("qa")).isPresent();
    }
  }

  @Test
  void handedBackItemIsPendingWithoutTheAttemptCounted() {
    try (Ledger ledger = open()) {
      ledger.recordSeen("qa", List.of(item("1", "x")));
      long seq = ledger.claimDue("qa", 1).get(0).seq();
      ledger.handBack(seq, "worker stopping");
      ItemRecord r = ledger.claimDue("qa", 1).get(0);
      assertThat(r.attempts()).isEqualTo(1);
    }
  }

  @Test
  void operatorRetryPutsADeadItemBackToPendingAndIsRecorded() {
    try (Ledger ledger = open()) {
      ledger.recordSeen("qa", List.of(item("7", "x")));
      long seq = ledger.claimDue("qa", 1).get(0).seq();
      ledger.finish(seq, ItemState.DEAD, 65, "exit 65", null);
      assertThat(ledger.retryDead("qa", "nope")).isFalse();
      assertThat(ledger.retryDead("qa", "7")).isTrue();
      assertThat(ledger.counts("qa").get(ItemState.PENDING)).isEqualTo(1);
      assertThat(ledger.transitionsTo(seq, ItemState.PENDING)).isEqualTo(2);
      assertThat(ledger.integrityCheck()).isEmpty();
    }
  }

  @Test
  void itemGivenUpWithoutRunningIsDeadWithOnlyTheAttemptsThatRan() {
    try (Ledger ledger = open()) {
      ledger.recordSeen("qa", List.of(item("1", "x")));
      ledger.claimDue("qa", 1);
      ledger.recoverInterrupted();
      long seq = ledger.claimDue("qa", 1).get(0).seq();
      ledger.deadWithoutRunning(seq, "interrupted during its last attempt (attempt 1 of 1); not run again");
      ItemRecord r = ledger.versions("qa", "1").get(0);
      assertThat(r.state()).isEqualTo(ItemState.DEAD);
      assertThat(r.attempts()).isEqualTo(1);
      assertThat(r.lastError()).endsWith("not run again");
    }
  }
}
