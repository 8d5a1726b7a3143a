package dev.tended.ledger;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@link LedgerView} of an SQLite ledger, on a read-only connection of its own
 * ({@link SqliteConnections#openReader}): each call is one read in autocommit mode, so it holds no
 * snapshot between calls and never blocks the worker's checkpoints for long.
 *
 * <p>Thread-safe: every method holds this object's lock around its connection (not the writer's).
 */
final class SqliteLedgerView implements LedgerView {
  private final SqliteSession db;
  /** The file's schema version: an older file is read as it is, never migrated here. */
  private final int schema;

  SqliteLedgerView(SqliteSession db, int schema) {
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
      try (PreparedStatement q = db.connection().prepareStatement("SELECT " + SqliteSession.columns(schema)
          + " FROM items ORDER BY updated_at DESC, seq DESC LIMIT ?")) {
        q.setInt(1, Math.max(0, limit));
        return SqliteSession.collect(q);
      }
    });
  }

  @Override
  public synchronized List<ItemRecord> versions(String source, String id) {
    return db.query("look up " + source + "/" + id, () -> {
      try (PreparedStatement q = db.connection().prepareStatement(
          "SELECT " + SqliteSession.columns(schema) + " FROM items WHERE source = ? AND item_id = ? ORDER BY seq")) {
        q.setString(1, source);
        q.setString(2, id);
        return SqliteSession.collect(q);
      }
    });
  }

  @Override
  public synchronized List<ItemRecord> inState(String source, ItemState state) {
    return db.query("list " + state.wireName() + " items", () -> {
      try (PreparedStatement q = db.connection().prepareStatement(
          "SELECT " + SqliteSession.columns(schema) + " FROM items WHERE source = ? AND state = ? ORDER BY seq")) {
        q.setString(1, source);
        q.setString(2, state.wireName());
        return SqliteSession.collect(q);
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

  /** SQLite's {@code quick_check}: empty when the file is sound, else what it found. */
  @Override
  public synchronized Map<String, SourceFlow> flowBySource(java.time.Instant now) {
    throw new UnsupportedOperationException("issue 13, part ledger: not built yet");
  }

  @Override
  public synchronized Map<String, AttemptStats> attemptStats() {
    throw new UnsupportedOperationException("issue 13, part ledger: not built yet");
  }

  @Override
  public synchronized java.util.Optional<ItemRecord> newestInState(String source, ItemState state) {
    throw new UnsupportedOperationException("issue 13, part ledger: not built yet");
  }

  @Override
  public synchronized List<String> integrityCheck() {
    return db.query("check integrity", () -> {
      List<String> problems = new ArrayList<>();
      try (Statement st = db.connection().createStatement(); ResultSet rs = st.executeQuery("PRAGMA quick_check")) {
        while (rs.next()) {
          String line = rs.getString(1);
          if (!"ok".equalsIgnoreCase(line)) {
            problems.add(line);
          }
        }
      }
      return problems;
    });
  }

  @Override
  public synchronized void close() {
    db.close();
  }

  @Override
  public synchronized List<RunningItem> running() {
    return db.query("list running items", () -> db.running(schema));
  }

  @Override
  public synchronized List<AttemptRecord> attempts(long seq) {
    return db.query("list the attempts of item " + seq, () -> db.attempts(seq, schema));
  }
}
