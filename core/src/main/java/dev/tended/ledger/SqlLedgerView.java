package dev.tended.ledger;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The {@link LedgerView} of an SQLite ledger, on a read-only connection of its own
 * ({@link SqliteConnections#openReader}): each call is one read in autocommit mode, so it holds no
 * snapshot between calls and never blocks the worker's checkpoints for long.
 *
 * <p>Thread-safe: every method holds this object's lock around its connection (not the writer's).
 */
final class SqlLedgerView implements LedgerView {
  private final LedgerSession db;
  /** The file's schema version: an older file is read as it is, never migrated here. */
  private final int schema;

  SqlLedgerView(LedgerSession db, int schema) {
    this.db = db;
    this.schema = schema;
  }

  @Override
  public synchronized Map<String, Map<ItemState, Long>> countsBySource() {
    return db.query("count items", () -> {
      Map<String, Map<ItemState, Long>> out = new TreeMap<>();
      try (Statement st = db.connection().createStatement();
          ResultSet rs = st.executeQuery("SELECT source, state, COUNT(*) FROM items GROUP BY source, state")) {
        while (rs.next()) {
          out.computeIfAbsent(rs.getString(1), k -> LedgerView.emptyCounts())
              .put(ItemState.fromWire(rs.getString(2)), rs.getLong(3));
        }
      }
      return out;
    });
  }

  @Override
  public synchronized long countInState(ItemState state) {
    return db.query("count " + state.wireName(), () -> {
      try (PreparedStatement q = db.connection().prepareStatement("SELECT COUNT(*) FROM items WHERE state = ?")) {
        q.setString(1, state.wireName());
        try (ResultSet rs = q.executeQuery()) {
          return rs.next() ? rs.getLong(1) : 0L;
        }
      }
    });
  }

  @Override
  public synchronized List<ItemRecord> recent(int limit) {
    return db.query("list recent items", () -> {
      try (PreparedStatement q = db.connection().prepareStatement("SELECT " + LedgerSession.columns(schema)
          + " FROM items ORDER BY updated_at DESC, seq DESC LIMIT ?")) {
        q.setInt(1, Math.max(0, limit));
        return LedgerSession.collect(q);
      }
    });
  }

  @Override
  public synchronized List<ItemRecord> versions(String source, String id) {
    return db.query("look up " + source + "/" + id, () -> {
      try (PreparedStatement q = db.connection().prepareStatement(
          "SELECT " + LedgerSession.columns(schema) + " FROM items WHERE source = ? AND item_id = ? ORDER BY seq")) {
        q.setString(1, source);
        q.setString(2, id);
        return LedgerSession.collect(q);
      }
    });
  }

  @Override
  public synchronized List<ItemRecord> inState(String source, ItemState state) {
    return db.query("list " + state.wireName() + " items", () -> {
      try (PreparedStatement q = db.connection().prepareStatement(
          "SELECT " + LedgerSession.columns(schema) + " FROM items WHERE source = ? AND state = ? ORDER BY seq")) {
        q.setString(1, source);
        q.setString(2, state.wireName());
        return LedgerSession.collect(q);
      }
    });
  }

  @Override
  public synchronized int transitionsTo(long seq, ItemState state) {
    return db.query("count transitions", () -> {
      try (PreparedStatement q = db.connection().prepareStatement(
          "SELECT COUNT(*) FROM transitions WHERE item_seq = ? AND to_state = ?")) {
        q.setLong(1, seq);
        q.setString(2, state.wireName());
        try (ResultSet rs = q.executeQuery()) {
          return rs.next() ? rs.getInt(1) : 0;
        }
      }
    });
  }

  @Override
  public synchronized Map<String, SourceFlow> flowBySource(Instant now) {
    return db.query("read the flow of work", () -> {
      Map<String, SourceFlow> out = new TreeMap<>();
      Map<String, Instant[]> finished = lastFinishes();
      for (String source : sources(finished.keySet())) {
        Instant due = earliest(oldestDue(source, ItemState.PENDING, now), oldestDue(source, ItemState.FAILED, now));
        Instant[] last = finished.getOrDefault(source, new Instant[2]);
        out.put(source, new SourceFlow(due, last[0], last[1]));
      }
      return out;
    });
  }

  /** Every source with an item (one index lookup each), with {@code others}. */
  private Set<String> sources(Set<String> others) throws SQLException {
    Set<String> out = new TreeSet<>(others);
    out.addAll(SqlRetention.sources(db.connection()));
    return out;
  }

  @Override
  public synchronized long forEachPrunable(Instant succeededBefore, Instant deadBefore, Consumer<PrunedItem> each) {
    return db.query("list the items old enough to prune", () -> SqlRetention.oldEnough(db.connection(), db.dialect(),
        succeededBefore.toEpochMilli(), deadBefore.toEpochMilli(), -1, each));
  }

  @Override
  public synchronized long identitiesFinishedBefore(Instant finishedBefore) {
    if (schema < 4) {
      return 0;
    }
    return db.query("count identity records",
        () -> SqlRetention.identitiesFinishedBefore(db.connection(), finishedBefore.toEpochMilli()));
  }

  @Override
  public synchronized List<IdentityRecord> identities(String source, String id) {
    if (schema < 4) {
      return List.of();
    }
    return db.query("look up the identity records of " + source + "/" + id,
        () -> SqlRetention.identities(db.connection(), source, id));
  }

  @Override
  public synchronized List<IdentityRecord> identitiesPrunedAfter(PruneCursor after, int limit) {
    if (schema < 4 || limit <= 0) {
      return List.of();
    }
    return db.query("read the identity records pruned since " + after.prunedAt(),
        () -> SqlRetention.prunedAfter(db.connection(), after, limit));
  }

  @Override
  public synchronized boolean givesSpaceBack() {
    return db.query("read the vacuum mode", () -> db.dialect().givesSpaceBack(db.connection()));
  }

  /**
   * Since when the source's oldest due item in {@code state} has been due: its {@code next_attempt_at}
   * (for a pending item when it was seen, handed back or retried; for a failed one its retry time).
   * One lookup along items_by_state.
   */
  private Instant oldestDue(String source, ItemState state, Instant now) throws SQLException {
    try (PreparedStatement q = db.connection().prepareStatement("SELECT MIN(next_attempt_at) FROM items"
        + " WHERE source = ? AND state = ? AND next_attempt_at <= ?")) {
      q.setString(1, source);
      q.setString(2, state.wireName());
      q.setLong(3, now.toEpochMilli());
      try (ResultSet rs = q.executeQuery()) {
        long v = rs.next() ? rs.getLong(1) : 0;
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
      }
    }
  }

  private static Instant earliest(Instant a, Instant b) {
    return a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
  }

  /**
   * Per source: {last finished, last succeeded}. From schema 4 the kept totals; an older file (a view
   * does not migrate) from its items, which nothing has pruned yet.
   */
  private Map<String, Instant[]> lastFinishes() throws SQLException {
    String sql = schema >= 4 ? "SELECT source, last_finished_at, last_succeeded_at FROM source_stats"
        : "SELECT source, MAX(last_finished_at), MAX(CASE WHEN state = 'succeeded' THEN last_finished_at END)"
            + " FROM items GROUP BY source";
    Map<String, Instant[]> out = new TreeMap<>();
    try (Statement st = db.connection().createStatement(); ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        out.put(rs.getString(1), new Instant[] {instant(rs, 2), instant(rs, 3)});
      }
    }
    return out;
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  @Override
  public synchronized Map<String, AttemptStats> attemptStats() {
    if (schema < 4) {
      return Map.of(); // totals are kept from schema 4 on; the worker migrates the file at its start
    }
    return db.query("read the attempt totals", () -> {
      Map<String, Map<AttemptEnding, Long>> endings = new TreeMap<>();
      try (Statement st = db.connection().createStatement();
          ResultSet rs = st.executeQuery("SELECT source, ending, count FROM attempt_endings")) {
        while (rs.next()) {
          endings.computeIfAbsent(rs.getString(1), k -> noEndings())
              .put(AttemptEnding.fromWire(rs.getString(2)), rs.getLong(3));
        }
      }
      int bounds = DurationHistogram.BOUNDS_SECONDS.size();
      Map<String, long[]> buckets = new TreeMap<>();
      try (Statement st = db.connection().createStatement();
          ResultSet rs = st.executeQuery("SELECT source, bucket, count FROM attempt_durations")) {
        while (rs.next()) {
          int bucket = rs.getInt(2);
          if (bucket >= 0 && bucket <= bounds) {
            buckets.computeIfAbsent(rs.getString(1), k -> new long[bounds + 1])[bucket] += rs.getLong(3);
          }
        }
      }
      Map<String, Long> sums = new TreeMap<>();
      try (Statement st = db.connection().createStatement();
          ResultSet rs = st.executeQuery("SELECT source, duration_sum_ms FROM source_stats")) {
        while (rs.next()) {
          sums.put(rs.getString(1), rs.getLong(2));
        }
      }
      Map<String, AttemptStats> out = new TreeMap<>();
      Set<String> sources = new TreeSet<>(endings.keySet());
      sources.addAll(buckets.keySet());
      for (String source : sources) {
        long[] b = buckets.get(source);
        DurationHistogram durations = b == null ? DurationHistogram.EMPTY : new DurationHistogram(
            Arrays.stream(b, 0, bounds).boxed().toList(), b[bounds], sums.getOrDefault(source, 0L) / 1000.0);
        out.put(source, new AttemptStats(endings.getOrDefault(source, noEndings()), durations));
      }
      return out;
    });
  }

  private static Map<AttemptEnding, Long> noEndings() {
    Map<AttemptEnding, Long> m = new EnumMap<>(AttemptEnding.class);
    for (AttemptEnding e : AttemptEnding.values()) {
      m.put(e, 0L);
    }
    return m;
  }

  @Override
  public synchronized Optional<ItemRecord> newestInState(String source, ItemState state) {
    return db.query("find the newest " + state.wireName() + " item of " + source, () -> {
      // along items_by_state: a finished item's next_attempt_at is when it finished
      try (PreparedStatement q = db.connection().prepareStatement("SELECT " + LedgerSession.columns(schema)
          + " FROM items WHERE source = ? AND state = ? ORDER BY next_attempt_at DESC, seq DESC LIMIT 1")) {
        q.setString(1, source);
        q.setString(2, state.wireName());
        return LedgerSession.collect(q).stream().findFirst();
      }
    });
  }

  /** The database's own check ({@link SqlDialect#integrityProblems}): empty when sound, else what it found. */
  @Override
  public synchronized List<String> integrityCheck() {
    return db.query("check integrity", () -> {
      return db.dialect().integrityProblems(db.connection());
    });
  }

  @Override
  public synchronized void close() {
    db.close();
  }

  @Override
  public synchronized Map<String, SourcePause> pauses() {
    return db.query("list paused sources", () -> db.pauses(schema));
  }

  @Override
  public synchronized List<ItemRecord> dead(DeadSelection selection) {
    return db.query("list the dead items of " + selection.source(), () -> db.dead(selection, schema));
  }

  @Override
  public synchronized List<RunningItem> running() {
    return db.query("list running items", () -> db.running(schema));
  }

  @Override
  public synchronized List<NodeRecord> nodes() {
    return db.query("list the nodes", () -> db.nodes(schema));
  }

  @Override
  public synchronized List<PollerOwners.PollerOwner> pollers() {
    return db.query("read who polls each source", () -> db.dialect().pollers(db.connection()));
  }

  @Override
  public synchronized List<AttemptRecord> attempts(long seq) {
    return db.query("list the attempts of item " + seq, () -> db.attempts(seq, schema));
  }
}
