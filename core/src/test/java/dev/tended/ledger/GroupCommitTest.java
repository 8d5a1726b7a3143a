package dev.tended.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GroupCommitTest {
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  private final Object lock = new Object();
  private final List<List<Integer>> commits = new CopyOnWriteArrayList<>();
  private final ExecutorService callers = Executors.newFixedThreadPool(8);

  @AfterEach
  void stopCallers() throws InterruptedException {
    callers.shutdownNow();
    assertThat(callers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  private GroupCommit<Integer> recording(Consumer<List<GroupCommit.Entry<Integer>>> alsoDo) {
    return new GroupCommit<>(lock, batch -> {
      commits.add(batch.stream().map(GroupCommit.Entry::request).toList());
      alsoDo.accept(batch);
    });
  }

  private CompletableFuture<Void> submitLater(GroupCommit<Integer> group, int request) {
    return CompletableFuture.runAsync(() -> group.submit(request, "request " + request), callers);
  }

  private static void awaitWaiting(GroupCommit<?> group, int n) {
    await().atMost(DEADLINE).until(() -> group.waiting() >= n);
  }

  @Test
  void requestsQueuedWhileACommitRunsShareTheNextCommit() throws Exception {
    HeldCommit held = new HeldCommit();
    GroupCommit<Integer> group = recording(held::holdRequestZero);
    CompletableFuture<Void> first = held.startWith(group);
    List<CompletableFuture<Void>> others = IntStream.rangeClosed(1, 5).mapToObj(i -> submitLater(group, i)).toList();
    awaitWaiting(group, 5);

    held.release();
    first.get(10, TimeUnit.SECONDS);
    for (CompletableFuture<Void> f : others) {
      f.get(10, TimeUnit.SECONDS);
    }

    assertThat(commits).hasSize(2);
    assertThat(commits.get(0)).containsExactly(0);
    assertThat(commits.get(1)).containsExactlyInAnyOrder(1, 2, 3, 4, 5);
  }

  @Test
  void aRequestFailedAloneFailsOnlyItsOwnCaller() {
    GroupCommit<Integer> group = recording(batch -> batch.stream()
        .filter(e -> e.request() == 13)
        .forEach(e -> e.fail(new IllegalStateException("thirteen is not running"))));

    group.submit(12, "request 12");
    assertThatThrownBy(() -> group.submit(13, "request 13"))
        .isInstanceOf(LedgerException.class)
        .hasMessage("request 13: thirteen is not running");
    group.submit(14, "request 14");
    assertThat(commits).containsExactly(List.of(12), List.of(13), List.of(14));
  }

  @Test
  void aFailedCommitFailsEveryCallerOfItsBatchAndTheNextCommitWorks() throws Exception {
    HeldCommit held = new HeldCommit();
    GroupCommit<Integer> group = recording(batch -> {
      held.holdRequestZero(batch);
      if (batch.size() > 1) {
        throw new IllegalStateException("database or disk is full");
      }
    });
    CompletableFuture<Void> first = held.startWith(group);
    List<CompletableFuture<Void>> doomed = List.of(submitLater(group, 1), submitLater(group, 2));
    awaitWaiting(group, 2);
    held.release();
    first.get(10, TimeUnit.SECONDS);

    for (CompletableFuture<Void> f : doomed) {
      assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(LedgerException.class)
          .hasMessageContaining("database or disk is full");
    }
    group.submit(3, "request 3");
    assertThat(commits.get(commits.size() - 1)).containsExactly(3);
  }

  @Test
  void aCallerWhoseRequestAnotherLeaderCommittedBeforeItTookTheLeadPassesTheLeadOn() throws Exception {
    HeldAfterQueueing queue = new HeldAfterQueueing(1, 2);
    GroupCommit<Integer> group = new GroupCommit<>(lock, batch -> commits.add(
        batch.stream().map(GroupCommit.Entry::request).toList()), queue);
    CompletableFuture<Void> leader = submitLater(group, 1); // queued, not yet the leader
    queue.awaitQueued(1);
    CompletableFuture<Void> late = submitLater(group, 2); // queued, not yet looking for the lead
    queue.awaitQueued(2);

    queue.release(1); // takes the lead and commits both requests, then gives the lead up
    leader.get(10, TimeUnit.SECONDS);
    queue.release(2); // takes the lead given up, with nothing left of its own to commit
    late.get(10, TimeUnit.SECONDS);
    assertThat(commits).containsExactly(List.of(1, 2));

    CompletableFuture<Void> next = submitLater(group, 3);
    next.get(10, TimeUnit.SECONDS); // hangs if the late caller kept the lead
    assertThat(commits).containsExactly(List.of(1, 2), List.of(3));
  }

  /**
   * The queue of a group commit that holds the callers of the given requests just after queueing them,
   * before they look for the lead, until released: so a test sets the order of two callers' steps.
   */
  private static final class HeldAfterQueueing extends ConcurrentLinkedQueue<GroupCommit.Entry<Integer>> {
    /** One held caller: counted down once it has queued, and by the test to let it go on. */
    private record Hold(CountDownLatch queued, CountDownLatch release) {}

    private final Map<Integer, Hold> holds = new ConcurrentHashMap<>();

    HeldAfterQueueing(int... held) {
      for (int r : held) {
        holds.put(r, new Hold(new CountDownLatch(1), new CountDownLatch(1)));
      }
    }

    @Override
    public boolean add(GroupCommit.Entry<Integer> e) {
      boolean added = super.add(e);
      Hold hold = holds.get(e.request());
      if (hold != null) {
        hold.queued().countDown();
        try {
          assertThat(hold.release().await(10, TimeUnit.SECONDS)).as("released").isTrue();
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
        }
      }
      return added;
    }

    void awaitQueued(int request) throws InterruptedException {
      assertThat(holds.get(request).queued().await(10, TimeUnit.SECONDS)).as("request %d queued", request).isTrue();
    }

    void release(int request) {
      holds.get(request).release().countDown();
    }
  }

  /** A first commit (of request 0) that stays in progress until released, so that others queue behind it. */
  private final class HeldCommit {
    private final CountDownLatch running = new CountDownLatch(1);
    private final CountDownLatch mayEnd = new CountDownLatch(1);

    void holdRequestZero(List<GroupCommit.Entry<Integer>> batch) {
      if (batch.get(0).request() == 0) {
        running.countDown();
        try {
          assertThat(mayEnd.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    }

    CompletableFuture<Void> startWith(GroupCommit<Integer> group) throws InterruptedException {
      CompletableFuture<Void> first = submitLater(group, 0);
      assertThat(running.await(10, TimeUnit.SECONDS)).as("first commit started").isTrue();
      return first;
    }

    void release() {
      mayEnd.countDown();
    }
  }
}
