package dev.tended.ledger;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The worker's state machine over item versions: the only writer in normal operation. It records the
 * versions a poll found, hands due ones out in first-seen order, records how each attempt ended and
 * takes back what a stop or a crash interrupted. Every method is durable when it returns, so the
 * caller may act on a transition (run a handler, delete a queue file) only after it returned.
 *
 * <p>Versions of one id run one at a time, oldest first: {@link #claimDue} never hands out a version
 * while an older version of the same {@code (source, id)} is pending, running or failed.
 *
 * <p>Implementations are thread-safe. Reads for people and for the heartbeat go through a
 * {@link LedgerView} on its own connection, never through this object.
 */
public interface ItemLedger extends AutoCloseable {

  /**
   * Records the versions in {@code items} that the ledger has not seen, as {@code pending}, in the
   * order given. Returns how many were new. Identical content already recorded is ignored, whatever
   * its state, and so is content whose item retention pruned while keeping its identity.
   */
  int recordSeen(String source, List<NewItem> items);

  /**
   * After a crash: items left {@code running} go back to {@code pending}, keeping the attempt they
   * used. Returns how many.
   */
  int recoverInterrupted();

  /**
   * Takes up to {@code limit} of the source's items that are due (pending, or failed with their next
   * attempt time reached) and whose older versions are all finished, oldest first-seen first, and
   * marks them {@code running} with their attempt counted and a fresh {@link ItemRecord#attemptToken()}
   * (durable before any handler starts). Returned records show the new state.
   */
  List<ItemRecord> claimDue(String source, int limit);

  /**
   * Ends a running attempt, recording how it ended: {@code to} is SUCCEEDED, FAILED (runs again at
   * {@code nextAttemptAt}) or DEAD; {@code ending} is what the closing transition records (never
   * {@link AttemptEnding#HANDED_BACK} or {@link AttemptEnding#INTERRUPTED}: those have their own
   * methods). An ending that does not count ({@link AttemptEnding#countsAsAttempt}) takes back the
   * attempt the claim counted. {@code exitCode} may be null (timeout, failed to start). The item's
   * recorded handler, if any, is forgotten in the same transaction. Concurrent finishes and
   * {@link #handlerStarted} calls share one commit.
   *
   * @throws ItemNotRunningException when the item is not running (nothing is changed)
   */
  void finish(long seq, ItemState to, AttemptEnding ending, Integer exitCode, String detail, Instant nextAttemptAt);

  /**
   * Records the processes of a running attempt's handler once it started; durable on return, so the
   * next worker can adopt it. Replaces what was recorded for the item before.
   *
   * @throws ItemNotRunningException when the item is not running
   */
  void handlerStarted(HandlerRecord handler);

  /** Every running item with its recorded handler, if any, oldest first: what a starting worker adopts. */
  List<RunningItem> running();

  /**
   * The attempts of item version {@code seq}, oldest first, with how each ended (the running one
   * last, without an ending): what the worker writes into the result file.
   */
  List<AttemptRecord> attempts(long seq);

  /**
   * The running attempt was interrupted: its handler died with its worker (no exit status was
   * recorded). The attempt is not counted against {@code maxAttempts}; the item's interruptions grow
   * by one, and it goes back to {@code pending}, first in line, or to {@code dead} once they reach
   * {@code maxInterruptions}, its detail saying so. The closing transition records
   * {@link AttemptEnding#INTERRUPTED}; the recorded handler is forgotten.
   *
   * @return the state the item is in now (PENDING or DEAD)
   * @throws ItemNotRunningException when the item is not running
   */
  ItemState interrupted(long seq, String detail, int maxInterruptions);

  /**
   * Hands a running item back without counting the attempt (the worker is stopping, the handler did
   * not fail): it goes back to {@code pending}, first in line again, the closing transition recording
   * {@link AttemptEnding#HANDED_BACK}, the recorded handler forgotten. Nothing happens when it is not
   * running.
   */
  void handBack(long seq, String detail);

  /**
   * Ends a claimed item as {@code dead} without it having run: the attempt the claim counted is taken
   * back, so the recorded attempts stay those that really ran.
   *
   * @throws ItemNotRunningException when the item is not running
   */
  void deadWithoutRunning(long seq, String detail);

  // --- An operator's requests, applied by the worker (issue 14).

  /** Records {@code pause} (replacing an earlier pause of the source); durable on return. */
  void pause(SourcePause pause);

  /** Ends the source's pause; false when it was not paused. */
  boolean resume(String source);

  /** Every paused source, by name: what a starting worker reads before it starts anything. */
  java.util.Map<String, SourcePause> pauses();

  /**
   * An operator's retry: the newest dead version of {@code source}/{@code id} goes back to pending,
   * attempts and interruptions reset, the transition recording {@code detail}. Empty when there is no
   * such dead item. Returns the record as it is now.
   */
  Optional<ItemRecord> retryDead(String source, String id, String detail);

  /**
   * As above for every dead item {@code selection} takes ({@link DeadSelection#matches}), in one
   * transaction; returns them as they are now, oldest first.
   */
  List<ItemRecord> retryDead(DeadSelection selection, String detail);

  /**
   * An operator's cancel of an item that is not running: its oldest waiting version (pending, or
   * failed and waiting for its next attempt: the one that would run next) ends dead with
   * {@code detail}, no attempt counted, the transition recording {@link AttemptEnding#CANCELLED}.
   * Empty when it has no waiting version (a running one is stopped by the worker and ended through
   * {@link #finish}). Returns the record as it is now.
   */
  Optional<ItemRecord> cancelWaiting(String source, String id, String detail);

  // --- A ledger shared by several nodes (issue 15).

  /**
   * Whether item {@code seq} still runs as this node's attempt (its lease was not taken over): asked
   * before an outcome is written anywhere. Always true on a ledger no other node shares.
   */
  boolean holds(long seq);

  /**
   * The node's heartbeat: records its beat and extends the lease of each of its running attempts by
   * the node's lease, on the database's clock. Returns the seqs of the attempts this node ran that
   * are no longer its own (another node took them over while this one did not renew): their handlers
   * must stop, and their outcomes are refused.
   */
  java.util.Set<Long> renewLeases(NodeBeat beat);

  /**
   * Takes over every running attempt of another node whose lease ended (on the database's clock):
   * each is {@linkplain #interrupted interrupted} (not counted; dead once its source's
   * {@code maxInterruptions}, given by source, is reached; a source not given uses 5) so that any node
   * runs it again. Returns them as they are now.
   */
  List<TakenOver> takeOverExpired(java.util.Map<String, Integer> maxInterruptions);

  /**
   * An operator's cancel, asked through this node, of attempt {@code seq} that may run on another
   * node: the mark stays with the item version until it ends, so whichever node runs it (now, or
   * after a take-over) stops its handler at its next lease renewal ({@link #cancelsAsked}) and ends it
   * dead. False when {@code seq} is not running. A retry of the dead item forgets the mark.
   */
  boolean askCancel(long seq, String askedBy);

  /** This node's running attempts an operator asked to cancel ({@link #askCancel}), oldest first. */
  List<CancelAsked> cancelsAsked();

  /** Retention's writes, on this ledger's connection and lock (a batch at a time). */
  LedgerPruning pruning();

  /** When the source's next failed item is due, if it has one. */
  Optional<Instant> nextRetryAt(String source);

  @Override
  void close();

  /**
   * The detail of an item {@link #interrupted} for the {@code interruptions}-th time, the last one
   * because of {@code lastDetail}, and so dead: what the ledger records and the result file says.
   */
  static String interruptedTooOften(int interruptions, String lastDetail) {
    return "interrupted " + interruptions + " times: its handler died with its worker each time; not run again"
        + " (last: " + lastDetail + ")";
  }
}
