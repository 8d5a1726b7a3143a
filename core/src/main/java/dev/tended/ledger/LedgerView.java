package dev.tended.ledger;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Read-only access to the ledger for the heartbeat and the operator commands ({@code status},
 * {@code health-diagnose}). It has a connection of its own, opened read-only: it runs no DDL and no
 * migration, takes no write lock, needs only read access to the ledger's files, and never queues
 * behind the worker's writes nor makes them wait (a WAL reader sees the last commit before its read).
 *
 * <p>Implementations are thread-safe; each call is one short read.
 */
public interface LedgerView extends AutoCloseable {

  /** Item counts per source and state (every state present, zero when none), sources in name order. */
  Map<String, Map<ItemState, Long>> countsBySource();

  /** Counts for one source (every state present). */
  default Map<ItemState, Long> counts(String source) {
    return countsBySource().getOrDefault(source, emptyCounts());
  }

  /** How many items of every source are in {@code state}. */
  long countInState(ItemState state);

  /** The most recently updated items, newest first. */
  List<ItemRecord> recent(int limit);

  /** Every version of {@code source}/{@code id}, oldest first. */
  List<ItemRecord> versions(String source, String id);

  /** Every item of {@code source} in {@code state}, in first-seen order. */
  List<ItemRecord> inState(String source, ItemState state);

  /** How many transitions the item has had to {@code state}: e.g. how often it ran. */
  int transitionsTo(long seq, ItemState state);

  /** Every running item with its recorded handler, if any, oldest first (the supervisor spares these). */
  List<RunningItem> running();

  /** The nodes that wrote this ledger, by name, with their last beat (none before schema 6). */
  List<NodeRecord> nodes();

  /**
   * On a ledger several nodes share, every source the cluster polls, in name order, with the node that
   * polls it now; empty on SQLite (its one worker polls every source) and before any node started.
   */
  List<PollerOwners.PollerOwner> pollers();

  /** The attempts of item version {@code seq}, oldest first, with how each ended. */
  List<AttemptRecord> attempts(long seq);

  /**
   * Per source: the oldest due item and the last finished attempt and success, judged at {@code now}
   * (a source the ledger never saw is absent; one whose items were all pruned keeps its last finish and
   * success). Cheap: one indexed read per source and state, and the kept totals.
   */
  Map<String, SourceFlow> flowBySource(Instant now);

  /** Per source, every attempt ending counted and the durations' histogram (sources never run are absent). */
  Map<String, AttemptStats> attemptStats();

  /**
   * The item of {@code source} in {@code state} with the latest due time, if any: for a finished state
   * (dead, succeeded) the most recently finished one, e.g. the newest dead item. One indexed read.
   */
  Optional<ItemRecord> newestInState(String source, ItemState state);

  /**
   * Calls {@code each} with every finished item old enough for retention to prune (succeeded before
   * {@code succeededBefore}, dead before {@code deadBefore}) and returns how many: what a dry run of
   * {@code tended prune} reports. One read, along an index.
   */
  long forEachPrunable(Instant succeededBefore, Instant deadBefore, Consumer<PrunedItem> each);

  /** How many identity records of pruned items finished before {@code finishedBefore}. */
  long identitiesFinishedBefore(Instant finishedBefore);

  /** The identity records retention kept of {@code source}/{@code id}'s pruned versions, oldest first. */
  List<IdentityRecord> identities(String source, String id);

  /** Up to {@code limit} identity records pruned after {@code after}, in the order they were pruned (a dry run's sweep). */
  List<IdentityRecord> identitiesPrunedAfter(PruneCursor after, int limit);

  /** Whether the store gives the space of pruned items back to the file system in small steps. */
  boolean givesSpaceBack();

  /** Every source an operator paused, by name (durable until resumed); none in a file older than schema 5. */
  Map<String, SourcePause> pauses();

  /**
   * The dead items {@code selection} takes ({@link DeadSelection#matches}), oldest first-seen first:
   * what {@code retry --all-dead --dry-run} lists. One indexed read.
   */
  List<ItemRecord> dead(DeadSelection selection);

  /** The store's own consistency check: empty when it is sound, else what it found. */
  List<String> integrityCheck();

  @Override
  void close();

  /** A count of zero for every state. */
  static Map<ItemState, Long> emptyCounts() {
    Map<ItemState, Long> m = new EnumMap<>(ItemState.class);
    for (ItemState s : ItemState.values()) {
      m.put(s, 0L);
    }
    return m;
  }
}
