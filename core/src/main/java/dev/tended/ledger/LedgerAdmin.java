package dev.tended.ledger;

import java.time.Instant;

/**
 * The operator's writes ({@code tended recover-ledger}, {@code tended prune}), kept apart from the
 * worker's state machine so that each is one short transaction: an operator command never holds the
 * write lock longer than one statement group, so the worker's commits wait for it only briefly.
 *
 * <p>Implementations are thread-safe.
 */
public interface LedgerAdmin extends AutoCloseable {

  /**
   * Records a finished item version known from elsewhere (its result file) while a damaged ledger is
   * rebuilt, so that it is never run again: {@code state} is SUCCEEDED or DEAD. Returns false when the
   * ledger already holds that version.
   */
  boolean restoreFinished(String source, String id, String contentHash, String payload, ItemState state,
      int attempts, Instant finishedAt, Integer exitCode, String detail);

  /** Retention's writes, for {@code tended prune}, on this face's connection. */
  LedgerPruning pruning();

  @Override
  void close();
}
