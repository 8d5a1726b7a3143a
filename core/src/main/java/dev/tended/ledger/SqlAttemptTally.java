package dev.tended.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Keeps the running totals of schema 4 ({@code source_stats}, {@code attempt_endings},
 * {@code attempt_durations}) as each attempt ends, inside the transaction that records the end, so
 * the totals and the items never disagree and pruning the items (and their transitions) loses none.
 *
 * <p>Not thread-safe: used by the ledger face that owns the connection, with its lock held. One
 * instance per transaction: its statements are prepared once, the ends it counts are summed per
 * source and written by {@link #flush} before the commit (a group commit of many finishes costs a
 * few upserts, not three per finish).
 */
final class SqlAttemptTally implements AutoCloseable {
  /** Endings with an outcome: the handler ran (or was stopped) and the attempt is over. */
  static final Set<AttemptEnding> FINISHING = EnumSet.of(AttemptEnding.EXITED, AttemptEnding.TIMEOUT,
      AttemptEnding.NO_PROGRESS, AttemptEnding.LIMIT_EXCEEDED, AttemptEnding.CANCELLED);

  private final PreparedStatement startOf;
  private final PreparedStatement ending;
  private final PreparedStatement duration;
  private final PreparedStatement stats;
  private final Map<String, Pending> pending = new HashMap<>();

  SqlAttemptTally(Connection db) throws SQLException {
    startOf = db.prepareStatement("SELECT i.source, COALESCE(h.started_at, i.last_started_at) FROM items i"
        + " LEFT JOIN handlers h ON h.item_seq = i.seq WHERE i.seq = ?");
    ending = db.prepareStatement("INSERT INTO attempt_endings (source, ending, count) VALUES (?, ?, ?)"
        + " ON CONFLICT (source, ending) DO UPDATE SET count = attempt_endings.count + excluded.count");
    duration = db.prepareStatement("INSERT INTO attempt_durations (source, bucket, count) VALUES (?, ?, ?)"
        + " ON CONFLICT (source, bucket) DO UPDATE SET count = attempt_durations.count + excluded.count");
    stats = db.prepareStatement("INSERT INTO source_stats (source, last_finished_at, last_succeeded_at,"
        + " duration_sum_ms) VALUES (?, ?, ?, ?) ON CONFLICT (source) DO UPDATE SET"
        // the target's columns named by its table: PostgreSQL finds a bare name ambiguous beside excluded's
        + " last_finished_at = COALESCE(excluded.last_finished_at, source_stats.last_finished_at),"
        + " last_succeeded_at = COALESCE(excluded.last_succeeded_at, source_stats.last_succeeded_at),"
        + " duration_sum_ms = source_stats.duration_sum_ms + excluded.duration_sum_ms");
  }

  /**
   * Counts the end of item {@code seq}'s attempt at {@code at}: its ending, its duration when it ran
   * (from the recorded handler's start, else the claim), and the source's last finish and success.
   * Call it before the item's recorded handler is forgotten; the counts are written by {@link #flush}.
   */
  void attemptEnded(long seq, AttemptEnding how, ItemState to, long at) throws SQLException {
    String source;
    long startedAt;
    startOf.setLong(1, seq);
    try (ResultSet rs = startOf.executeQuery()) {
      if (!rs.next()) {
        return;
      }
      source = rs.getString(1);
      startedAt = rs.getLong(2);
      if (rs.wasNull()) {
        startedAt = -1;
      }
    }
    Pending p = pending.computeIfAbsent(source, k -> new Pending());
    p.endings.merge(how, 1L, Long::sum);
    if (FINISHING.contains(how)) {
      p.lastFinishedAt = Math.max(p.lastFinishedAt, at);
      if (startedAt >= 0) {
        long tookMs = Math.max(0, at - startedAt);
        p.buckets.merge(bucketOf(tookMs / 1000.0), 1L, Long::sum);
        p.durationMs += tookMs;
      }
    }
    if (to == ItemState.SUCCEEDED) {
      p.lastSucceededAt = Math.max(p.lastSucceededAt, at);
    }
  }

  /** Writes what {@link #attemptEnded} counted since the last flush: a few upserts per source, not per attempt. */
  void flush() throws SQLException {
    for (Map.Entry<String, Pending> e : pending.entrySet()) {
      String source = e.getKey();
      Pending p = e.getValue();
      for (Map.Entry<AttemptEnding, Long> n : p.endings.entrySet()) {
        ending.setString(1, source);
        ending.setString(2, n.getKey().wireName());
        ending.setLong(3, n.getValue());
        ending.executeUpdate();
      }
      for (Map.Entry<Integer, Long> n : p.buckets.entrySet()) {
        duration.setString(1, source);
        duration.setInt(2, n.getKey());
        duration.setLong(3, n.getValue());
        duration.executeUpdate();
      }
      stats.setString(1, source);
      setTime(stats, 2, p.lastFinishedAt < 0 ? null : p.lastFinishedAt);
      setTime(stats, 3, p.lastSucceededAt < 0 ? null : p.lastSucceededAt);
      stats.setLong(4, p.durationMs);
      stats.executeUpdate();
    }
    pending.clear();
  }

  /** What one transaction counted for one source, not yet written. */
  private static final class Pending {
    final Map<AttemptEnding, Long> endings = new EnumMap<>(AttemptEnding.class);
    final Map<Integer, Long> buckets = new TreeMap<>();
    long lastFinishedAt = -1;
    long lastSucceededAt = -1;
    long durationMs;
  }

  /** The index in {@link DurationHistogram#BOUNDS_SECONDS} of the first bound at least {@code seconds}; its size for longer. */
  static int bucketOf(double seconds) {
    var bounds = DurationHistogram.BOUNDS_SECONDS;
    for (int i = 0; i < bounds.size(); i++) {
      if (seconds <= bounds.get(i)) {
        return i;
      }
    }
    return bounds.size();
  }

  private static void setTime(PreparedStatement ps, int index, Long at) throws SQLException {
    if (at == null) {
      ps.setNull(index, Types.INTEGER);
    } else {
      ps.setLong(index, at);
    }
  }

  @Override
  public void close() throws SQLException {
    try (startOf; ending; duration; stats) {
      // closes each
    }
  }
}
