package dev.tended.ledger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.sqlite.SQLiteConfig;

/**
 * The worker's durable record of every item version and every transition, so that a {@code kill -9}
 * at any instant loses nothing and never re-runs a finished item. An SQLite file in WAL mode with
 * {@code synchronous=FULL}: each method is one transaction, committed (and synced) before it returns,
 * so a transition is durable before the caller acts on it.
 *
 * <p>Thread-safe: every method holds this object's lock around its one connection; {@link #finish}
 * queues first, so that concurrent finishes share one commit. Other processes
 * (the supervisor's {@code status} and {@code retry}) may open the same file at the same time.
 */
public final class Ledger implements AutoCloseable {
  private static final int SCHEMA_VERSION = 1;
  private static final String COLUMNS = "seq, source, item_id, content_hash, payload, state, attempts,"
      + " next_attempt_at, first_seen_at, updated_at, last_started_at, last_finished_at, last_exit_code, last_error";

  private final Connection db;
  private final Clock clock;
  private final GroupCommit<Finish> finishes;

  private Ledger(Connection db, Clock clock) {
    this.db = db;
    this.clock = clock;
    this.finishes = new GroupCommit<>(this, this::commitFinishes);
  }

  /** Opens (creating when absent) the ledger at {@code file}. */
  public static Ledger open(Path file, Clock clock) {
    Objects.requireNonNull(clock);
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      SQLiteConfig config = new SQLiteConfig();
      config.setJournalMode(SQLiteConfig.JournalMode.WAL);
      config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
      config.setBusyTimeout(10_000);
      config.enforceForeignKeys(true);
      Connection db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), config.toProperties());
      Ledger ledger = new Ledger(db, clock);
      ledger.createSchema();
      return ledger;
    } catch (SQLException | java.io.IOException e) {
      throw new LedgerException("open ledger " + file, e);
    }
  }

  private void createSchema() throws SQLException {
    try (Statement st = db.createStatement()) {
      st.executeUpdate("""
          CREATE TABLE IF NOT EXISTS items (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            source TEXT NOT NULL,
            item_id TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            payload TEXT NOT NULL,
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER NOT NULL,
            first_seen_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            last_started_at INTEGER,
            last_finished_at INTEGER,
            last_exit_code INTEGER,
            last_error TEXT,
            UNIQUE (source, item_id, content_hash))""");
      st.executeUpdate("CREATE INDEX IF NOT EXISTS items_by_state ON items (source, state, next_attempt_at, seq)");
      // the order in which a source's items of one state are claimed: first seen first
      st.executeUpdate("CREATE INDEX IF NOT EXISTS items_in_line ON items (source, state, seq)");
      st.executeUpdate("""
          CREATE TABLE IF NOT EXISTS transitions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            item_seq INTEGER NOT NULL REFERENCES items (seq),
            at INTEGER NOT NULL,
            from_state TEXT,
            to_state TEXT NOT NULL,
            attempt INTEGER NOT NULL,
            exit_code INTEGER,
            detail TEXT)""");
      st.executeUpdate("CREATE INDEX IF NOT EXISTS transitions_by_item ON transitions (item_seq)");
      st.executeUpdate("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
      st.executeUpdate("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', '" + SCHEMA_VERSION + "')");
    }
  }

  /**
   * Records the versions in {@code items} that the ledger has not seen, as {@code pending}, in the
   * order given. Returns how many were new. Identical content already recorded is ignored, whatever
   * its state.
   */
  public synchronized int recordSeen(String source, List<NewItem> items) {
    if (items.isEmpty()) {
      return 0;
    }
    long now = clock.millis();
    return inTransaction("record items of " + source, () -> {
      long before;
      try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(seq), 0) FROM items")) {
        before = rs.getLong(1);
      }
      int added = 0;
      try (PreparedStatement ins = db.prepareStatement(
          "INSERT OR IGNORE INTO items (source, item_id, content_hash, payload, state, attempts,"
              + " next_attempt_at, first_seen_at, updated_at) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, ?)")) {
        for (NewItem item : items) {
          ins.setString(1, source);
          ins.setString(2, item.id());
          ins.setString(3, item.contentHash());
          ins.setString(4, item.payload());
          ins.setLong(5, now);
          ins.setLong(6, now);
          ins.setLong(7, now);
          added += ins.executeUpdate();
        }
      }
      if (added > 0) {
        // seq only grows (AUTOINCREMENT): the rows after the largest one before are those just added
        try (PreparedStatement tr = db.prepareStatement("INSERT INTO transitions"
            + " (item_seq, at, from_state, to_state, attempt, detail)"
            + " SELECT seq, ?, NULL, 'pending', 0, 'seen' FROM items WHERE seq > ?")) {
          tr.setLong(1, now);
          tr.setLong(2, before);
          tr.executeUpdate();
        }
      }
      return added;
    });
  }

  /**
   * After a crash: items left {@code running} go back to {@code pending}, keeping the attempt they
   * used. Returns how many.
   */
  public synchronized int recoverInterrupted() {
    long now = clock.millis();
    return inTransaction("recover interrupted items", () -> {
      try (Statement st = db.createStatement()) {
        st.executeUpdate("INSERT INTO transitions (item_seq, at, from_state, to_state, attempt, detail)"
            + " SELECT seq, " + now + ", 'running', 'pending', attempts, 'interrupted by a crash'"
            + " FROM items WHERE state = 'running'");
        return st.executeUpdate("UPDATE items SET state = 'pending', next_attempt_at = " + now
            + ", updated_at = " + now + ", last_error = 'interrupted by a crash' WHERE state = 'running'");
      }
    });
  }

  /**
   * Records a finished item version known from elsewhere (its result file) while a damaged ledger is
   * rebuilt, so that it is never run again: {@code state} is SUCCEEDED or DEAD. Returns false when the
   * ledger already holds that version.
   */
  public synchronized boolean restoreFinished(String source, String id, String contentHash, String payload,
      ItemState state, int attempts, Instant finishedAt, Integer exitCode, String detail) {
    if (state != ItemState.SUCCEEDED && state != ItemState.DEAD) {
      throw new IllegalArgumentException("only a finished item can be restored, not " + state.wireName());
    }
    long now = clock.millis();
    long at = finishedAt == null ? now : finishedAt.toEpochMilli();
    return inTransaction("restore " + source + "/" + id, () -> {
      try (PreparedStatement ins = db.prepareStatement(
          "INSERT OR IGNORE INTO items (source, item_id, content_hash, payload, state, attempts, next_attempt_at,"
              + " first_seen_at, updated_at, last_finished_at, last_exit_code, last_error)"
              + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        ins.setString(1, source);
        ins.setString(2, id);
        ins.setString(3, contentHash);
        ins.setString(4, payload);
        ins.setString(5, state.wireName());
        ins.setInt(6, attempts);
        ins.setLong(7, at);
        ins.setLong(8, at);
        ins.setLong(9, now);
        ins.setLong(10, at);
        if (exitCode == null) {
          ins.setNull(11, Types.INTEGER);
        } else {
          ins.setInt(11, exitCode);
        }
        ins.setString(12, detail);
        if (ins.executeUpdate() != 1) {
          return false;
        }
      }
      try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT last_insert_rowid()")) {
        rs.next();
        transition(rs.getLong(1), now, null, state, attempts, exitCode, "restored from its result file");
      }
      return true;
    });
  }

  /**
   * Takes up to {@code limit} of the source's items that are due (pending, or failed with their
   * next attempt time reached), oldest first-seen first, and marks them {@code running} with their
   * attempt counted. Returned records show the new state.
   */
  public synchronized List<ItemRecord> claimDue(String source, int limit) {
    if (limit <= 0) {
      return List.of();
    }
    long now = clock.millis();
    return inTransaction("claim items of " + source, () -> {
      // Which items: the oldest due pending ones and the oldest due failed ones, each read in seq
      // order along items_in_line, so a claim costs its own size, not the backlog's (one query with
      // "state IN (...) ORDER BY seq" sorts every due item), merged here. Then two statements for
      // the whole batch: the transitions (they need each item's state before the claim), the claim.
      List<Long> seqs = new ArrayList<>(dueInLine(source, "pending", now, limit));
      seqs.addAll(dueInLine(source, "failed", now, limit));
      if (seqs.isEmpty()) {
        return List.of();
      }
      Collections.sort(seqs);
      String in = seqs.subList(0, Math.min(limit, seqs.size())).stream().map(String::valueOf)
          .collect(Collectors.joining(",", "(", ")"));
      try (PreparedStatement tr = db.prepareStatement("INSERT INTO transitions"
          + " (item_seq, at, from_state, to_state, attempt, exit_code, detail)"
          + " SELECT seq, ?, state, 'running', attempts + 1, NULL, NULL FROM items WHERE seq IN " + in)) {
        tr.setLong(1, now);
        tr.executeUpdate();
      }
      List<ItemRecord> claimed = new ArrayList<>();
      try (PreparedStatement up = db.prepareStatement("UPDATE items SET state = 'running',"
          + " attempts = attempts + 1, last_started_at = ?, updated_at = ? WHERE seq IN " + in
          + " RETURNING " + COLUMNS)) {
        up.setLong(1, now);
        up.setLong(2, now);
        try (ResultSet rs = up.executeQuery()) {
          while (rs.next()) {
            claimed.add(read(rs));
          }
        }
      }
      claimed.sort(Comparator.comparingLong(ItemRecord::seq));
      return claimed;
    });
  }

  /** Up to {@code limit} seqs of the source's items in {@code state} that are due, oldest first. */
  private List<Long> dueInLine(String source, String state, long now, int limit) throws SQLException {
    List<Long> seqs = new ArrayList<>();
    try (PreparedStatement q = db.prepareStatement("SELECT seq FROM items INDEXED BY items_in_line"
        + " WHERE source = ? AND state = ? AND next_attempt_at <= ? ORDER BY seq LIMIT ?")) {
      q.setString(1, source);
      q.setString(2, state);
      q.setLong(3, now);
      q.setInt(4, limit);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          seqs.add(rs.getLong(1));
        }
      }
    }
    return seqs;
  }

  /**
   * Ends a running attempt: {@code to} is SUCCEEDED, FAILED (runs again at {@code nextAttemptAt}) or
   * DEAD. {@code exitCode} may be null (timeout, failed to start). Durable when it returns; attempts
   * finishing at the same time on other threads share one commit ({@link GroupCommit}).
   *
   * @throws ItemNotRunningException when the item is not running (nothing is changed)
   */
  public void finish(long seq, ItemState to, Integer exitCode, String detail, Instant nextAttemptAt) {
    if (to != ItemState.SUCCEEDED && to != ItemState.FAILED && to != ItemState.DEAD) {
      throw new IllegalArgumentException("an attempt cannot end in " + to);
    }
    finishes.submit(new Finish(seq, to, exitCode, detail, nextAttemptAt, clock.millis()), "finish item " + seq);
  }

  /** One attempt's end, as queued for a shared commit. */
  private record Finish(long seq, ItemState to, Integer exitCode, String detail, Instant nextAttemptAt, long at) {}

  /** Commits every queued end of an attempt in one transaction; an item not running fails alone. */
  private void commitFinishes(List<GroupCommit.Entry<Finish>> batch) {
    inTransaction("finish " + batch.size() + " item(s)", () -> {
      try (PreparedStatement tr = db.prepareStatement("INSERT INTO transitions"
              + " (item_seq, at, from_state, to_state, attempt, exit_code, detail)"
              + " SELECT seq, ?, 'running', ?, attempts, ?, ? FROM items WHERE seq = ? AND state = 'running'");
          PreparedStatement up = db.prepareStatement("UPDATE items SET state = ?, next_attempt_at = ?,"
              + " last_finished_at = ?, last_exit_code = ?, last_error = ?, updated_at = ? WHERE seq = ?")) {
        for (GroupCommit.Entry<Finish> entry : batch) {
          Finish f = entry.request();
          tr.setLong(1, f.at());
          tr.setString(2, f.to().wireName());
          setInteger(tr, 3, f.exitCode());
          tr.setString(4, f.detail());
          tr.setLong(5, f.seq());
          if (tr.executeUpdate() != 1) {
            entry.fail(new ItemNotRunningException(f.seq()));
            continue;
          }
          up.setString(1, f.to().wireName());
          up.setLong(2, f.nextAttemptAt() == null ? f.at() : f.nextAttemptAt().toEpochMilli());
          up.setLong(3, f.at());
          setInteger(up, 4, f.exitCode());
          up.setString(5, f.to() == ItemState.SUCCEEDED ? null : f.detail());
          up.setLong(6, f.at());
          up.setLong(7, f.seq());
          up.executeUpdate();
        }
      }
      return null;
    });
  }

  /**
   * Hands a running item back without counting the attempt (the worker is stopping, the handler did
   * not fail): it goes back to {@code pending}, first in line again.
   */
  public synchronized void handBack(long seq, String detail) {
    long now = clock.millis();
    inTransaction("hand back item " + seq, () -> {
      int attempt = attemptsOf(seq);
      try (PreparedStatement up = db.prepareStatement("UPDATE items SET state = 'pending',"
          + " attempts = MAX(attempts - 1, 0), next_attempt_at = ?, updated_at = ?, last_error = ?"
          + " WHERE seq = ? AND state = 'running'")) {
        up.setLong(1, now);
        up.setLong(2, now);
        up.setString(3, detail);
        up.setLong(4, seq);
        if (up.executeUpdate() != 1) {
          return null; // not running (any more): nothing to hand back, and no transition to record
        }
      }
      transition(seq, now, ItemState.RUNNING, ItemState.PENDING, Math.max(attempt - 1, 0), null, detail);
      return null;
    });
  }

  /**
   * Ends a claimed item as {@code dead} without it having run: the attempt the claim counted is taken
   * back, so the recorded attempts stay those that really ran (an item a crash interrupted during its
   * last attempt is not run a {@code maxAttempts + 1}th time).
   */
  public synchronized void deadWithoutRunning(long seq, String detail) {
    long now = clock.millis();
    inTransaction("give up item " + seq, () -> {
      int attempt = attemptsOf(seq);
      try (PreparedStatement up = db.prepareStatement("UPDATE items SET state = 'dead',"
          + " attempts = MAX(attempts - 1, 0), next_attempt_at = ?, last_finished_at = ?, last_exit_code = NULL,"
          + " last_error = ?, updated_at = ? WHERE seq = ? AND state = 'running'")) {
        up.setLong(1, now);
        up.setLong(2, now);
        up.setString(3, detail);
        up.setLong(4, now);
        up.setLong(5, seq);
        if (up.executeUpdate() != 1) {
          throw new ItemNotRunningException(seq);
        }
      }
      transition(seq, now, ItemState.RUNNING, ItemState.DEAD, Math.max(attempt - 1, 0), null, detail);
      return null;
    });
  }

  /**
   * An operator's retry: the newest dead version of {@code source}/{@code id} goes back to pending
   * with its attempts reset. Returns false when there is no such dead item.
   */
  public synchronized boolean retryDead(String source, String id) {
    long now = clock.millis();
    return inTransaction("retry " + source + "/" + id, () -> {
      Long seq = null;
      try (PreparedStatement q = db.prepareStatement("SELECT seq FROM items WHERE source = ? AND item_id = ?"
          + " AND state = 'dead' ORDER BY seq DESC LIMIT 1")) {
        q.setString(1, source);
        q.setString(2, id);
        try (ResultSet rs = q.executeQuery()) {
          if (rs.next()) {
            seq = rs.getLong(1);
          }
        }
      }
      if (seq == null) {
        return false;
      }
      try (PreparedStatement up = db.prepareStatement("UPDATE items SET state = 'pending', attempts = 0,"
          + " next_attempt_at = ?, updated_at = ? WHERE seq = ?")) {
        up.setLong(1, now);
        up.setLong(2, now);
        up.setLong(3, seq);
        up.executeUpdate();
      }
      transition(seq, now, ItemState.DEAD, ItemState.PENDING, 0, null, "operator retry");
      return true;
    });
  }

  /** Item counts per source and state (every state present, zero when none). */
  public synchronized Map<String, Map<ItemState, Long>> countsBySource() {
    return query("count items", () -> {
      Map<String, Map<ItemState, Long>> out = new TreeMap<>();
      try (Statement st = db.createStatement();
          ResultSet rs = st.executeQuery("SELECT source, state, COUNT(*) FROM items GROUP BY source, state")) {
        while (rs.next()) {
          out.computeIfAbsent(rs.getString(1), k -> emptyCounts())
              .put(ItemState.fromWire(rs.getString(2)), rs.getLong(3));
        }
      }
      return out;
    });
  }

  /** Counts for one source (every state present). */
  public Map<ItemState, Long> counts(String source) {
    return countsBySource().getOrDefault(source, emptyCounts());
  }

  /** How many items of every source are in {@code state}. */
  public synchronized long countInState(ItemState state) {
    return query("count " + state.wireName(), () -> {
      try (PreparedStatement q = db.prepareStatement("SELECT COUNT(*) FROM items WHERE state = ?")) {
        q.setString(1, state.wireName());
        try (ResultSet rs = q.executeQuery()) {
          return rs.next() ? rs.getLong(1) : 0L;
        }
      }
    });
  }

  /** The most recently updated items, newest first. */
  public synchronized List<ItemRecord> recent(int limit) {
    return query("list recent items", () -> list(
        "SELECT " + COLUMNS + " FROM items ORDER BY updated_at DESC, seq DESC LIMIT " + Math.max(0, limit)));
  }

  /** Every version of {@code source}/{@code id}, oldest first. */
  public synchronized List<ItemRecord> versions(String source, String id) {
    return query("look up " + source + "/" + id, () -> {
      try (PreparedStatement q = db.prepareStatement(
          "SELECT " + COLUMNS + " FROM items WHERE source = ? AND item_id = ? ORDER BY seq")) {
        q.setString(1, source);
        q.setString(2, id);
        return collect(q);
      }
    });
  }

  /** Every item of {@code source} in {@code state}, in first-seen order. */
  public synchronized List<ItemRecord> inState(String source, ItemState state) {
    return query("list " + state.wireName() + " items", () -> {
      try (PreparedStatement q = db.prepareStatement(
          "SELECT " + COLUMNS + " FROM items WHERE source = ? AND state = ? ORDER BY seq")) {
        q.setString(1, source);
        q.setString(2, state.wireName());
        return collect(q);
      }
    });
  }

  /** When the source's next failed item is due, if it has one. */
  public synchronized Optional<Instant> nextRetryAt(String source) {
    return query("next retry of " + source, () -> {
      try (PreparedStatement q = db.prepareStatement(
          "SELECT MIN(next_attempt_at) FROM items WHERE source = ? AND state = 'failed'")) {
        q.setString(1, source);
        try (ResultSet rs = q.executeQuery()) {
          long v = rs.next() ? rs.getLong(1) : 0;
          return rs.wasNull() || v == 0 ? Optional.<Instant>empty() : Optional.of(Instant.ofEpochMilli(v));
        }
      }
    });
  }

  /** How many transitions the item has had to {@code state}: e.g. how often it ran. */
  public synchronized int transitionsTo(long seq, ItemState state) {
    return query("count transitions", () -> {
      try (PreparedStatement q = db.prepareStatement(
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
  public synchronized List<String> integrityCheck() {
    return query("check integrity", () -> {
      List<String> problems = new ArrayList<>();
      try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("PRAGMA quick_check")) {
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
    try {
      if (!db.isClosed()) {
        db.close();
      }
    } catch (SQLException e) {
      throw new LedgerException("close ledger", e);
    }
  }

  private int attemptsOf(long seq) throws SQLException {
    try (PreparedStatement q = db.prepareStatement("SELECT attempts FROM items WHERE seq = ?")) {
      q.setLong(1, seq);
      try (ResultSet rs = q.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("no item " + seq);
        }
        return rs.getInt(1);
      }
    }
  }

  private void transition(long seq, long at, ItemState from, ItemState to, int attempt, Integer exitCode,
      String detail) throws SQLException {
    try (PreparedStatement tr = db.prepareStatement("INSERT INTO transitions"
        + " (item_seq, at, from_state, to_state, attempt, exit_code, detail) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      tr.setLong(1, seq);
      tr.setLong(2, at);
      tr.setString(3, from == null ? null : from.wireName());
      tr.setString(4, to.wireName());
      tr.setInt(5, attempt);
      setInteger(tr, 6, exitCode);
      tr.setString(7, detail);
      tr.executeUpdate();
    }
  }

  private static void setInteger(PreparedStatement ps, int index, Integer value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.INTEGER);
    } else {
      ps.setInt(index, value);
    }
  }

  private List<ItemRecord> list(String sql) throws SQLException {
    try (PreparedStatement q = db.prepareStatement(sql)) {
      return collect(q);
    }
  }

  private static List<ItemRecord> collect(PreparedStatement q) throws SQLException {
    List<ItemRecord> out = new ArrayList<>();
    try (ResultSet rs = q.executeQuery()) {
      while (rs.next()) {
        out.add(read(rs));
      }
    }
    return out;
  }

  private static ItemRecord read(ResultSet rs) throws SQLException {
    return new ItemRecord(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
        ItemState.fromWire(rs.getString(6)), rs.getInt(7), instant(rs, 8), instant(rs, 9), instant(rs, 10),
        instant(rs, 11), instant(rs, 12), integer(rs, 13), rs.getString(14));
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  private static Integer integer(ResultSet rs, int column) throws SQLException {
    int v = rs.getInt(column);
    return rs.wasNull() ? null : v;
  }

  private static Map<ItemState, Long> emptyCounts() {
    Map<ItemState, Long> m = new EnumMap<>(ItemState.class);
    for (ItemState s : ItemState.values()) {
      m.put(s, 0L);
    }
    return m;
  }

  private interface SqlWork<T> {
    T run() throws SQLException;
  }

  private <T> T query(String operation, SqlWork<T> work) {
    try {
      return work.run();
    } catch (SQLException e) {
      throw new LedgerException(operation, e);
    }
  }

  private <T> T inTransaction(String operation, SqlWork<T> work) {
    boolean committed = false;
    SQLException failure = null;
    try {
      db.setAutoCommit(false);
      T result = work.run();
      db.commit();
      committed = true;
      return result;
    } catch (SQLException e) {
      failure = e;
      throw new LedgerException(operation, e);
    } finally {
      // After SQLITE_FULL or SQLITE_IOERR SQLite may have rolled the transaction back itself; then the
      // rollback here and the commit hidden in setAutoCommit(true) fail with "no transaction is
      // active". Those must never replace the error that says what happened (e.g. the disk is full).
      if (!committed) {
        try {
          db.rollback();
        } catch (SQLException e) {
          if (failure != null) {
            failure.addSuppressed(e);
          }
        }
      }
      try {
        db.setAutoCommit(true);
      } catch (SQLException e) {
        if (failure != null) {
          failure.addSuppressed(e);
        }
      }
    }
  }


}
