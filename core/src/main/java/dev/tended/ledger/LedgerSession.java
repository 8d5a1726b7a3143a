package dev.tended.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One database connection and the ways the ledger's classes use it: a read, a transaction (rolled back
 * on failure without hiding the error that caused it), the transition insert and the mapping of an
 * {@code items} row to an {@link ItemRecord}. Each ledger face owns one session. A session over the
 * network ({@link #reconnecting}) replaces a connection the database dropped (a restart, a network
 * cut) at its next use, so a face outlives an outage: the calls in between fail and say why.
 *
 * <p>Not thread-safe: its owner serialises calls (each face holds its own monitor around them).
 */
final class LedgerSession implements AutoCloseable {
  private static final String BASE_COLUMNS = "seq, source, item_id, content_hash, payload, state, attempts,"
      + " next_attempt_at, first_seen_at, updated_at, last_started_at, last_finished_at, last_exit_code, last_error";
  /** The {@code items} columns {@link #read} maps, as schema 3 has them. */
  static final String COLUMNS = BASE_COLUMNS + ", interruptions, attempt_token";
  /** The handler columns {@link #readHandler} maps, after {@link #COLUMNS}. */
  static final String HANDLER_COLUMNS = "h.attempt, h.token, h.boot_id, h.waiter_pid, h.waiter_start_ticks,"
      + " h.handler_pid, h.handler_start_ticks, h.started_at, h.spec";

  /**
   * The {@code items} columns as {@link #read} maps them from a file of {@code schema}: one older than
   * 3 (a read-only view does not migrate) has no interruptions and no token yet.
   */
  static String columns(int schema) {
    return schema >= 3 ? COLUMNS : BASE_COLUMNS + ", 0, NULL";
  }

  private Connection db;
  private final String where;
  private final SqlDialect dialect;
  /** How to open a new connection when the one held broke; null for a file (its connection never breaks so). */
  private final SqlWork<Connection> reconnect;
  /** True once a failure left {@link #db} unusable: the next use opens a new one first. */
  private boolean broken;

  LedgerSession(Connection db, String where, SqlDialect dialect) {
    this(db, where, dialect, null);
  }

  private LedgerSession(Connection db, String where, SqlDialect dialect, SqlWork<Connection> reconnect) {
    this.db = db;
    this.where = where;
    this.dialect = dialect;
    this.reconnect = reconnect;
  }

  /** A session that opens a new connection with {@code reconnect} after the database dropped this one. */
  static LedgerSession reconnecting(Connection db, String where, SqlDialect dialect, SqlWork<Connection> reconnect) {
    return new LedgerSession(db, where, dialect, reconnect);
  }

  /** Before a use: a new connection in place of a broken one (or the failure to get one). */
  private void ensureConnected() throws SQLException {
    if (!broken) {
      return;
    }
    try {
      db.close();
    } catch (SQLException e) {
      // it was broken already
    }
    db = reconnect.run();
    broken = false;
  }

  /** After a failure: whether the connection itself is gone (then the next use replaces it). */
  private void noteFailure(SQLException e) {
    if (reconnect == null || broken) {
      return;
    }
    String state = e.getSQLState();
    boolean connectionLost = state != null && (state.startsWith("08") || state.startsWith("57P"));
    try {
      broken = connectionLost || db.isClosed() || !db.isValid(2);
    } catch (SQLException checking) {
      broken = true;
    }
  }

  /** The SQL that differs between the databases. */
  SqlDialect dialect() {
    return dialect;
  }

  Connection connection() {
    return db;
  }

  /** The ledger file, for messages. */
  String where() {
    return where;
  }

  interface SqlWork<T> {
    T run() throws SQLException;
  }

  <T> T query(String operation, SqlWork<T> work) {
    try {
      ensureConnected();
      return work.run();
    } catch (SQLException e) {
      noteFailure(e);
      throw new LedgerException(operation, e);
    }
  }

  <T> T inTransaction(String operation, SqlWork<T> work) {
    try {
      ensureConnected();
    } catch (SQLException e) {
      throw new LedgerException(operation, e);
    }
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
      noteFailure(e);
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

  void transition(long seq, long at, ItemState from, ItemState to, int attempt, Integer exitCode, String detail)
      throws SQLException {
    transition(seq, at, from, to, attempt, null, exitCode, detail);
  }

  /** Records a transition; {@code ending} is null unless it closes an attempt. Needs schema 3 when it is not. */
  void transition(long seq, long at, ItemState from, ItemState to, int attempt, AttemptEnding ending,
      Integer exitCode, String detail) throws SQLException {
    String endingColumn = ending == null ? "" : ", ending";
    try (PreparedStatement tr = db.prepareStatement("INSERT INTO transitions (item_seq, at, from_state, to_state,"
        + " attempt, exit_code, detail" + endingColumn + ") VALUES (?, ?, ?, ?, ?, ?, ?" + (ending == null ? "" : ", ?")
        + ")")) {
      tr.setLong(1, seq);
      tr.setLong(2, at);
      tr.setString(3, from == null ? null : from.wireName());
      tr.setString(4, to.wireName());
      tr.setInt(5, attempt);
      setInteger(tr, 6, exitCode);
      tr.setString(7, detail);
      if (ending != null) {
        tr.setString(8, ending.wireName());
      }
      tr.executeUpdate();
    }
  }

  /** Forgets the recorded handler of {@code seq}: its attempt ended (schema 3). */
  void forgetHandler(long seq) throws SQLException {
    try (PreparedStatement del = db.prepareStatement("DELETE FROM handlers WHERE item_seq = ?")) {
      del.setLong(1, seq);
      del.executeUpdate();
    }
  }

  /** Every running item with its recorded handler (none before schema 3), oldest first. */
  List<RunningItem> running(int schema) throws SQLException {
    return running(schema, null);
  }

  /**
   * As {@link #running(int)}, only {@code node}'s attempts when it is not null (schema 6 or later).
   */
  List<RunningItem> running(int schema, String node) throws SQLException {
    String sql = schema >= 3
        ? "SELECT " + prefixed("i.", COLUMNS) + ", " + HANDLER_COLUMNS + ", " + (schema >= 6 ? "i.owner_node" : "NULL")
            + " FROM items i LEFT JOIN handlers h ON h.item_seq = i.seq WHERE i.state = 'running'"
            + (node == null ? "" : " AND i.owner_node = ?") + " ORDER BY i.seq"
        : "SELECT " + columns(schema) + " FROM items WHERE state = 'running' ORDER BY seq";
    List<RunningItem> out = new ArrayList<>();
    try (PreparedStatement q = db.prepareStatement(sql)) {
      if (node != null) {
        q.setString(1, node);
      }
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          ItemRecord item = read(rs);
          String owner = schema >= 3 ? rs.getString(26) : null; // after the 16 item and 9 handler columns
          out.add(new RunningItem(item, schema >= 3 ? readHandler(item.seq(), rs) : Optional.empty(),
              owner == null ? "" : owner));
        }
      }
    }
    return out;
  }

  /** The nodes' last beats, by name, with how long ago each was on the database's clock (none before schema 6). */
  List<NodeRecord> nodes(int schema) throws SQLException {
    List<NodeRecord> out = new ArrayList<>();
    if (schema < 6) {
      return out;
    }
    try (PreparedStatement q = db.prepareStatement("SELECT node, beat_at, " + dialect.databaseMillis()
        + " - beat_at, started_at, pid, version, running FROM nodes ORDER BY node"); ResultSet rs = q.executeQuery()) {
      while (rs.next()) {
        out.add(new NodeRecord(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)),
            java.time.Duration.ofMillis(Math.max(0, rs.getLong(3))), Instant.ofEpochMilli(rs.getLong(4)), rs.getLong(5),
            rs.getString(6), rs.getInt(7)));
      }
    }
    return out;
  }

  private static String prefixed(String alias, String columns) {
    return Arrays.stream(columns.split(",")).map(c -> alias + c.strip()).collect(Collectors.joining(", "));
  }

  /** The handler columns after {@link #COLUMNS} in {@code rs}; empty when the LEFT JOIN found none. */
  private static Optional<HandlerRecord> readHandler(long seq, ResultSet rs) throws SQLException {
    int c = 17;
    String token = rs.getString(c + 1);
    if (token == null) {
      return Optional.empty();
    }
    return Optional.of(new HandlerRecord(seq, rs.getInt(c), token, rs.getString(c + 2), rs.getLong(c + 3),
        rs.getLong(c + 4), rs.getLong(c + 5), rs.getLong(c + 6), Instant.ofEpochMilli(rs.getLong(c + 7)),
        rs.getString(c + 8)));
  }

  /**
   * The attempts of {@code seq} as its transitions tell them: each claim (a transition to running)
   * opens one, the next transition from running closes it. A file older than schema 3 recorded no
   * ending: an attempt closed with an exit code {@link AttemptEnding#EXITED exited}, one taken back
   * to pending was handed back (or, said its detail, interrupted by a crash), any other is left null.
   */
  List<AttemptRecord> attempts(long seq, int schema) throws SQLException {
    List<AttemptRecord> out = new ArrayList<>();
    try (PreparedStatement q = db.prepareStatement("SELECT from_state, to_state, attempt, at, exit_code, detail, "
        + (schema >= 3 ? "ending" : "NULL") + " FROM transitions WHERE item_seq = ? ORDER BY id")) {
      q.setLong(1, seq);
      try (ResultSet rs = q.executeQuery()) {
        Integer open = null;
        Instant openedAt = null;
        while (rs.next()) {
          String from = rs.getString(1);
          String to = rs.getString(2);
          Instant at = Instant.ofEpochMilli(rs.getLong(4));
          if ("running".equals(from) && open != null) {
            Integer exit = integer(rs, 5);
            String ending = rs.getString(7);
            out.add(new AttemptRecord(open, ending != null ? AttemptEnding.fromWire(ending) : legacyEnding(to, exit,
                rs.getString(6)), exit, openedAt, at, rs.getString(6)));
            open = null;
          }
          if ("running".equals(to)) {
            open = rs.getInt(3);
            openedAt = at;
          }
        }
        if (open != null) {
          out.add(new AttemptRecord(open, null, null, openedAt, null, null));
        }
      }
    }
    return out;
  }

  private static AttemptEnding legacyEnding(String to, Integer exit, String detail) {
    if (exit != null) {
      return AttemptEnding.EXITED;
    }
    if ("pending".equals(to)) {
      return "interrupted by a crash".equals(detail) ? AttemptEnding.INTERRUPTED : AttemptEnding.HANDED_BACK;
    }
    return null;
  }

  /** Every paused source, by name ({@code source_controls}, schema 5; none in an older file). */
  java.util.Map<String, SourcePause> pauses(int schema) throws SQLException {
    java.util.Map<String, SourcePause> out = new java.util.TreeMap<>();
    if (schema < 5) {
      return out;
    }
    try (PreparedStatement q = db.prepareStatement("SELECT source, drain, since, asked_by FROM source_controls"
        + " ORDER BY source"); ResultSet rs = q.executeQuery()) {
      while (rs.next()) {
        out.put(rs.getString(1), new SourcePause(rs.getString(1), rs.getInt(2) != 0, Instant.parse(rs.getString(3)),
            rs.getString(4)));
      }
    }
    return out;
  }

  /**
   * The dead items {@code selection} takes, oldest first-seen first, read along {@code items_in_line}:
   * the SQL form of {@link DeadSelection#matches} (dead at or after {@code deadSince}: its
   * {@code updated_at}, in whole milliseconds, not before that instant).
   */
  List<ItemRecord> dead(DeadSelection selection, int schema) throws SQLException {
    Instant since = selection.deadSince();
    // updated_at is in milliseconds: "not before since" is "at least since rounded up to a millisecond"
    Long fromMs = since == null ? null : since.toEpochMilli() + (since.getNano() % 1_000_000 == 0 ? 0 : 1);
    try (PreparedStatement q = db.prepareStatement("SELECT " + columns(schema) + " FROM items" + dialect.indexedBy("items_in_line")
        + " WHERE source = ? AND state = 'dead' AND (? IS NULL OR updated_at >= ?)"
        + " AND (? IS NULL OR last_exit_code = ?) ORDER BY seq")) {
      q.setString(1, selection.source());
      setLong(q, 2, fromMs);
      setLong(q, 3, fromMs);
      setInteger(q, 4, selection.exitCode());
      setInteger(q, 5, selection.exitCode());
      return collect(q);
    }
  }

  private static void setLong(PreparedStatement ps, int index, Long value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.INTEGER);
    } else {
      ps.setLong(index, value);
    }
  }

  /** Item version {@code seq} as it is now. */
  ItemRecord item(long seq) throws SQLException {
    try (PreparedStatement q = db.prepareStatement("SELECT " + COLUMNS + " FROM items WHERE seq = ?")) {
      q.setLong(1, seq);
      try (ResultSet rs = q.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("no item " + seq);
        }
        return read(rs);
      }
    }
  }

  int attemptsOf(long seq) throws SQLException {
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

  static void setInteger(PreparedStatement ps, int index, Integer value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.INTEGER);
    } else {
      ps.setInt(index, value);
    }
  }

  static List<ItemRecord> collect(PreparedStatement q) throws SQLException {
    List<ItemRecord> out = new ArrayList<>();
    try (ResultSet rs = q.executeQuery()) {
      while (rs.next()) {
        out.add(read(rs));
      }
    }
    return out;
  }

  /** The row at {@code rs}, selected as {@link #COLUMNS}. */
  static ItemRecord read(ResultSet rs) throws SQLException {
    return new ItemRecord(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
        ItemState.fromWire(rs.getString(6)), rs.getInt(7), instant(rs, 8), instant(rs, 9), instant(rs, 10),
        instant(rs, 11), instant(rs, 12), integer(rs, 13), rs.getString(14), rs.getInt(15), rs.getString(16));
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  private static Integer integer(ResultSet rs, int column) throws SQLException {
    int v = rs.getInt(column);
    return rs.wasNull() ? null : v;
  }

  @Override
  public void close() {
    try {
      if (!db.isClosed()) {
        db.close();
      }
    } catch (SQLException e) {
      throw new LedgerException("close ledger " + where, e);
    }
  }
}
