package dev.tended.ledger;

import java.time.Instant;
import java.util.List;

/**
 * Retention's writes on the ledger: finished items lose everything but a small identity record, old
 * identity records go, and the file gives the freed space back. Each call is one short transaction of
 * a bounded size, so that the worker's claims and finishes wait for one batch at most, never for a
 * whole run; the caller loops and releases the write lock between batches. Only finished items
 * (succeeded, dead) are ever touched: a pending, running or failed one, a retried dead one among
 * them, never is.
 *
 * <p>Implementations are thread-safe; they share the lock of the ledger face they belong to.
 */
public interface LedgerPruning {

  /**
   * In one transaction: up to {@code limit} items that succeeded before {@code succeededBefore} or
   * died before {@code deadBefore} (by their last finish) get an identity record, and their
   * transitions, recorded handler and row are deleted. Returns what was pruned, for removing its
   * files; empty when nothing is old enough.
   */
  List<PrunedItem> pruneFinished(Instant succeededBefore, Instant deadBefore, int limit);

  /**
   * Up to {@code limit} identity records pruned after {@code after} (by any node), in the order they
   * were pruned: what a node's sweep of its own data folder reads to remove the files of items
   * another node pruned. A read, no transaction held.
   */
  List<IdentityRecord> identitiesPrunedAfter(PruneCursor after, int limit);

  /** In one transaction: deletes up to {@code limit} identity records of items finished before {@code finishedBefore}; returns how many. */
  int forgetIdentities(Instant finishedBefore, int limit);

  /**
   * Gives up to {@code maxPages} free pages back to the file system (a short write); returns the
   * bytes given back, 0 when the file cannot give space back in steps ({@link #givesSpaceBack}).
   */
  long giveBackSpace(int maxPages);

  /** Whether the file gives space back in steps (made with incremental vacuum, or converted). */
  boolean givesSpaceBack();

  /**
   * Rewrites the whole file so that it gives space back in steps from now on (one {@code VACUUM}:
   * holds the write lock for the whole rewrite and needs free space of the file's size). Returns
   * the bytes the rewrite gave back. For {@code tended prune}, never the running worker.
   */
  long convertToGiveSpaceBack();
}
