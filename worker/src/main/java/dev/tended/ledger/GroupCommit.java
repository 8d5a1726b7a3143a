package dev.tended.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Lets concurrent callers share one durable commit, because with {@code synchronous=FULL} every
 * commit waits for an fsync and handler threads finishing at the same time would otherwise queue for
 * one fsync each. A caller queues its request; if no commit is being led, it leads one: takes the
 * ledger's lock and commits every request queued so far in one transaction. Otherwise it waits until
 * the commit in progress ends and looks again: either that commit took its request, or it leads the
 * next. Waiting callers do not need the ledger's lock to learn that they are done, so a whole batch
 * returns at once instead of one by one behind other users of the connection. No thread of its own,
 * nothing to start or stop.
 *
 * <p>Each caller still returns only once its own request is on disk (or throws what went wrong with
 * it), so the promise of the ledger's methods is unchanged: durable before the caller acts.
 *
 * @param <R> what one request holds
 */
final class GroupCommit<R> {
  private final Object ledgerLock;
  private final Consumer<List<Entry<R>>> commitAll;
  private final Queue<Entry<R>> queued = new ConcurrentLinkedQueue<>();
  /** Guards {@link #leading} and every entry's {@code done}. */
  private final ReentrantLock state = new ReentrantLock();
  private final Condition commitEnded = state.newCondition();
  private boolean leading;

  /**
   * @param ledgerLock the monitor every other use of the connection holds
   * @param commitAll commits the entries in one transaction, called with {@code ledgerLock} held;
   *     marks an entry {@link Entry#fail failed} for a problem of that entry alone and throws for one
   *     of the whole transaction (nothing of it committed)
   */
  GroupCommit(Object ledgerLock, Consumer<List<Entry<R>>> commitAll) {
    this.ledgerLock = Objects.requireNonNull(ledgerLock);
    this.commitAll = Objects.requireNonNull(commitAll);
  }

  /** Returns once {@code request} is committed; throws what failed it, as a {@link LedgerException}. */
  void submit(R request, String operation) {
    Entry<R> mine = new Entry<>(request);
    queued.add(mine);
    state.lock();
    try {
      while (!mine.done) {
        if (leading) {
          commitEnded.awaitUninterruptibly();
          continue;
        }
        leading = true;
        state.unlock();
        List<Entry<R>> batch = List.of();
        try {
          batch = commitQueued();
        } finally {
          state.lock();
          batch.forEach(e -> e.done = true);
          leading = false;
          commitEnded.signalAll();
        }
      }
      if (mine.failure != null) {
        throw new LedgerException(operation, mine.failure);
      }
    } finally {
      state.unlock();
    }
  }

  /** How many requests are queued and not yet taken by a commit. */
  int waiting() {
    return queued.size();
  }

  /** Commits what is queued; every entry taken comes back, with its failure if it has one. */
  private List<Entry<R>> commitQueued() {
    synchronized (ledgerLock) {
      List<Entry<R>> batch = new ArrayList<>();
      for (Entry<R> e; (e = queued.poll()) != null; ) {
        batch.add(e);
      }
      try {
        commitAll.accept(batch);
      } catch (RuntimeException | Error whole) { // an Error too: no taken entry may be left undone
        for (Entry<R> e : batch) {
          if (e.failure == null) {
            e.failure = whole;
          }
        }
      }
      return batch;
    }
  }

  /**
   * One queued request and, once its commit ran, how it ended: {@code failure} is written by the
   * leader before it marks the entry done under the state lock, and read only after that.
   */
  static final class Entry<R> {
    private final R request;
    private boolean done;
    private Throwable failure;

    private Entry(R request) {
      this.request = request;
    }

    R request() {
      return request;
    }

    /** This entry alone could not be committed; the others of its batch are unaffected. */
    void fail(Throwable why) {
      failure = why;
    }
  }
}
