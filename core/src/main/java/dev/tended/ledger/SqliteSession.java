package dev.tended.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One SQLite connection and the ways the ledger's classes use it: a read, a transaction (rolled back
 * on failure without hiding the error that caused it), the transition insert and the mapping of an
 * {@code items} row to an {@link ItemRecord}. Each ledger face owns one session.
 *
 * <p>Not thread-safe: its owner serialises calls (each face holds its own monitor around them).
 */
final class SqliteSession implements AutoCloseable {
  static final String COLUMNS = "seq, source, item_id, content_hash, payload, state, attempts,"
      + " next_attempt_at, first_seen_at, updated_at, last_started_at, last_finished_at, last_exit_code, last_error";

  private final Connection db;
  private final String where;

  SqliteSession(Connection db, String where) {
    this.db = db;
    this.where = where;
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
      return work.run();
    } catch (SQLException e) {
      throw new LedgerException(operation, e);
    }
  }

  <T> T inTransaction(String operation, SqlWork<T> work) {
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

  void transition(long seq, long at, ItemState from, ItemState to, int attempt, Integer exitCode, String detail)
      throws SQLException {
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
        instant(rs, 11), instant(rs, 12), integer(rs, 13), rs.getString(14), 0, null); // issue 12: schema 3 columns
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
