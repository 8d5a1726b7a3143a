package dev.tended.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Lets concurrent callers share one durable commit, because with {@code synchronous=FULL} every
 * commit waits for an fsync and handler threads finishing at the same time would otherwise queue for
 * one fsync each. A caller queues its request; one caller at a time is the leader, which takes the
 * ledger's lock and commits every request queued so far in one transaction, wakes exactly the
 * callers whose requests that commit carried, and hands the lead to the oldest request still queued
 * (or gives it up when none is). The others sleep until their request is committed or the lead is
 * theirs: no caller wakes for a commit that is not its own, and none needs the ledger's lock to learn
 * that it is done. No thread of its own, nothing to start or stop.
 *
 * <p>Each caller still returns only once its own request is on disk (or throws what went wrong with
 * it), so the promise of the ledger's methods is unchanged: durable before the caller acts.
 *
 * @param <R> what one request holds
 */
final class GroupCommit<R> {
  private final Object ledgerLock;
  private final Consumer<List<Entry<R>>> commitAll;
  private final Queue<Entry<R>> queued;
  /** True while some caller holds the lead (is committing, or has been handed the lead). */
  private final AtomicBoolean leading = new AtomicBoolean();

  /**
   * @param ledgerLock the monitor every other use of the connection holds
   * @param commitAll commits the entries in one transaction, called with {@code ledgerLock} held;
   *     marks an entry {@link Entry#fail failed} for a problem of that entry alone and throws for one
   *     of the whole transaction (nothing of it committed)
   */
  GroupCommit(Object ledgerLock, Consumer<List<Entry<R>>> commitAll) {
    this(ledgerLock, commitAll, new ConcurrentLinkedQueue<>());
  }

  /** As above, queueing in {@code queued} (tests hold a caller between its queueing and what follows). */
  GroupCommit(Object ledgerLock, Consumer<List<Entry<R>>> commitAll, Queue<Entry<R>> queued) {
    this.ledgerLock = Objects.requireNonNull(ledgerLock);
    this.commitAll = Objects.requireNonNull(commitAll);
    this.queued = Objects.requireNonNull(queued);
  }

  /** Returns once {@code request} is committed; throws what failed it, as a {@link LedgerException}. */
  void submit(R request, String operation) {
    Entry<R> mine = new Entry<>(request, Thread.currentThread());
    queued.add(mine);
    if (leading.compareAndSet(false, true)) {
      mine.lead = true;
    }
    boolean interrupted = false;
    while (!mine.done && !mine.lead) {
      LockSupport.park(this);
      interrupted |= Thread.interrupted(); // a commit cannot be abandoned half-way: wait, keep the flag
    }
    if (mine.lead) {
      if (mine.done) {
        // the lead came to this caller after a commit had already carried its request (it was queued
        // just before that commit's leader polled the queue, and took the lead just after it was given
        // up): it is passed on, or every later caller would wait for a leader that never comes
        passLead();
      } else {
        lead(mine);
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (mine.failure instanceof ItemNotRunningException refused) {
      throw new ItemNotRunningException(refused);
    }
    if (mine.failure != null) {
      throw new LedgerException(operation, mine.failure);
    }
  }

  /** How many requests are queued and not yet taken by a commit. */
  int waiting() {
    return queued.size();
  }

  /** Commits what is queued (at least {@code mine}), wakes whom it concerns, passes the lead on. */
  private void lead(Entry<R> mine) {
    List<Entry<R>> batch = new ArrayList<>();
    try {
      synchronized (ledgerLock) {
        for (Entry<R> e; (e = queued.poll()) != null; ) {
          batch.add(e);
        }
        commitAll.accept(batch);
      }
    } catch (RuntimeException | Error whole) { // an Error too: no taken entry may be left undone
      for (Entry<R> e : batch) {
        if (e.failure == null) {
          e.failure = whole;
        }
      }
    } finally {
      for (Entry<R> e : batch) {
        e.done = true;
        if (e != mine) {
          LockSupport.unpark(e.thread);
        }
      }
      passLead();
    }
  }

  /**
   * Hands the lead to the oldest queued request, or gives it up. A request queued just as the lead is
   * given up either takes the lead itself or is seen by the second look here, so none is stranded. A
   * caller that takes it so after a commit already carried its request calls this in turn.
   */
  private void passLead() {
    Entry<R> next = queued.peek();
    if (next == null) {
      leading.set(false);
      next = queued.peek();
      if (next == null || !leading.compareAndSet(false, true)) {
        return;
      }
    }
    next.lead = true;
    LockSupport.unpark(next.thread);
  }

  /**
   * One queued request and, once its commit ran, how it ended: {@code failure} is written by the
   * leader before it sets {@code done} (volatile), and read only after that.
   */
  static final class Entry<R> {
    private final R request;
    private final Thread thread;
    private volatile boolean done;
    private volatile boolean lead;
    private Throwable failure;

    private Entry(R request, Thread thread) {
      this.request = request;
      this.thread = thread;
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
