package dev.tended.retention;

import dev.tended.config.RetentionConfig;
import dev.tended.ledger.IdentityRecord;
import dev.tended.ledger.ItemState;
import dev.tended.ledger.LedgerPruning;
import dev.tended.ledger.LedgerView;
import dev.tended.ledger.PruneCursor;
import dev.tended.ledger.PrunedItem;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * One pass of retention over the ledger and the data folder. First the sweep: the identity records
 * pruned since the last run (by this node or, on a shared ledger, any other: each node keeps the
 * files of what it ran) are read in the order they were pruned and their files removed from this
 * data folder, which also removes what a crash between a commit and its files left. Then finished
 * items past their period are pruned to identity records batch by batch, each batch's files removed
 * after its commit, identity records past {@code identityFor} forgotten, and the ledger's free pages
 * given back, a few at a time. Between two ledger transactions it pauses as long as the last one held the lock, so the
 * worker's claims and finishes get at least half of the ledger's time while a run goes on and wait
 * for one batch at most.
 *
 * <p>Not thread-safe: one run at a time, on the caller's thread (the worker's {@code prune} thread,
 * or {@code tended prune}). An interrupt or {@code stop} ends the run after the current batch.
 */
public final class RetentionRun {
  /** Items per ledger transaction: a few milliseconds of lock. */
  public static final int BATCH = 500;
  /** Free pages given back per step (4 MiB of 4 KiB pages). */
  static final int PAGES_PER_STEP = 1024;
  /**
   * How far back of its mark a sweep reads again: identity records carry the pruning node's clock,
   * so one pruned by a node whose clock is behind is still swept when the clocks disagree by less.
   */
  static final Duration SWEEP_OVERLAP = Duration.ofMinutes(10);

  private final RetentionConfig config;
  private final PrunedFiles files;
  private final SweepMark mark;
  private final Clock clock;
  private final int batch;

  public RetentionRun(RetentionConfig config, PrunedFiles files, SweepMark mark, Clock clock, int batch) {
    this.config = Objects.requireNonNull(config);
    this.files = Objects.requireNonNull(files);
    this.mark = Objects.requireNonNull(mark);
    this.clock = Objects.requireNonNull(clock);
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be at least 1, was " + batch);
    }
    this.batch = batch;
  }

  /**
   * The run of the data folder {@code dataDir} (its results and work folders as configured), in
   * batches of {@link #BATCH}: what the worker and {@code tended prune} run.
   */
  public static RetentionRun of(RetentionConfig config, Path dataDir, Path resultsDir, Path workDir, Clock clock) {
    return new RetentionRun(config, new PrunedFiles(dataDir, resultsDir, workDir), SweepMark.in(dataDir), clock, BATCH);
  }

  /** Prunes what is due through {@code pruning}; returns what went. */
  public PruneReport run(LedgerPruning pruning, BooleanSupplier stop) {
    long started = System.nanoTime();
    Instant now = clock.instant();
    Instant succeededBefore = now.minus(config.finishedFor());
    Instant deadBefore = now.minus(config.deadFor());
    Tally t = new Tally();
    sweep(pruning, stop, t);
    while (!stopped(stop)) {
      long b = System.nanoTime();
      List<PrunedItem> pruned = pruning.pruneFinished(succeededBefore, deadBefore, batch);
      long held = t.batch(b);
      for (PrunedItem p : pruned) {
        if (p.outcome() == ItemState.SUCCEEDED) {
          t.succeeded++;
        } else {
          t.dead++;
        }
        t.add(files.remove(p));
      }
      if (pruned.size() < batch || !pause(held)) {
        break;
      }
    }
    if (!config.identitiesKeptForever()) {
      Instant forgetBefore = now.minus(config.identityFor());
      while (!stopped(stop)) {
        long b = System.nanoTime();
        int forgotten = pruning.forgetIdentities(forgetBefore, batch);
        long held = t.batch(b);
        t.identities += forgotten;
        if (forgotten < batch || !pause(held)) {
          break;
        }
      }
    }
    if (t.identities + t.succeeded + t.dead > 0) {
      while (!stopped(stop)) {
        long b = System.nanoTime();
        long given = pruning.giveBackSpace(PAGES_PER_STEP);
        long held = t.batch(b);
        t.ledgerBytes += given;
        if (given == 0 || !pause(held)) {
          break;
        }
      }
    }
    return t.report(started);
  }

  /**
   * Removes from this data folder the files of the versions pruned since the mark (less {@link
   * #SWEEP_OVERLAP}), a page of identity records at a time, and moves the mark to the newest one read.
   * Files already gone (this node removed them as it pruned, in the last run) cost a look each; one
   * that could not be removed then is tried once more.
   */
  private void sweep(LedgerPruning pruning, BooleanSupplier stop, Tally t) {
    Instant upTo = mark.read();
    PruneCursor from = PruneCursor.since(upTo.minus(SWEEP_OVERLAP));
    Instant newest = upTo;
    while (!stopped(stop)) {
      long b = System.nanoTime();
      List<IdentityRecord> page = pruning.identitiesPrunedAfter(from, batch);
      long held = t.batch(b);
      for (IdentityRecord r : page) {
        t.add(files.remove(r));
        newest = r.prunedAt().isAfter(newest) ? r.prunedAt() : newest;
      }
      if (page.size() < batch || !pause(held)) {
        break;
      }
      from = PruneCursor.after(page.get(page.size() - 1));
    }
    if (newest.isAfter(upTo)) {
      mark.write(newest);
    }
  }

  /**
   * What {@link #run} would remove now, read through {@code view} (nothing changed, nothing locked):
   * the items and their files, the files the sweep would remove, the identity records; the ledger's
   * bytes are not estimated.
   */
  public PruneReport preview(LedgerView view) {
    long started = System.nanoTime();
    Instant now = clock.instant();
    Tally t = new Tally();
    view.forEachPrunable(now.minus(config.finishedFor()), now.minus(config.deadFor()), p -> {
      if (p.outcome() == ItemState.SUCCEEDED) {
        t.succeeded++;
      } else {
        t.dead++;
      }
      t.add(files.wouldRemove(p));
    });
    PruneCursor from = PruneCursor.since(mark.read().minus(SWEEP_OVERLAP));
    while (true) {
      List<IdentityRecord> page = view.identitiesPrunedAfter(from, batch);
      page.forEach(r -> t.add(files.wouldRemove(r)));
      if (page.size() < batch) {
        break;
      }
      from = PruneCursor.after(page.get(page.size() - 1));
    }
    if (!config.identitiesKeptForever()) {
      t.identities = view.identitiesFinishedBefore(now.minus(config.identityFor()));
    }
    return t.report(started);
  }

  private static boolean stopped(BooleanSupplier stop) {
    return stop.getAsBoolean() || Thread.currentThread().isInterrupted();
  }

  /** Waits as long as the last transaction held the ledger ({@code tookNanos}); false when interrupted. */
  private static boolean pause(long tookNanos) {
    try {
      Thread.sleep(Math.max(1, tookNanos / 1_000_000), 0);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The running figures of one run. */
  private static final class Tally {
    long succeeded;
    long dead;
    long identities;
    long resultFiles;
    long workFolders;
    long fileFailures;
    long fileBytes;
    long ledgerBytes;
    long batches;
    long longestBatchMs;

    /** Counts the transaction begun at {@code startNanos}; returns how long it took. */
    long batch(long startNanos) {
      long took = System.nanoTime() - startNanos;
      batches++;
      longestBatchMs = Math.max(longestBatchMs, took / 1_000_000);
      return took;
    }

    void add(PrunedFiles.Removed r) {
      resultFiles += r.resultFile() ? 1 : 0;
      workFolders += r.workFolder() ? 1 : 0;
      fileFailures += r.failures();
      fileBytes += r.bytes();
    }

    PruneReport report(long startNanos) {
      return new PruneReport(succeeded, dead, identities, resultFiles, workFolders, fileFailures, fileBytes,
          ledgerBytes, 0, 0, batches, longestBatchMs, (System.nanoTime() - startNanos) / 1_000_000);
    }
  }
}
