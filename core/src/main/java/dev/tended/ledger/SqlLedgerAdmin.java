package dev.tended.ledger;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;

/**
 * The {@link LedgerAdmin} of an SQLite ledger: each method is one short {@code BEGIN IMMEDIATE}
 * transaction on a writer's connection of its own, so an operator command holds the write lock for a
 * few statements only.
 *
 * <p>Thread-safe: every method holds this object's lock around its connection.
 */
final class SqlLedgerAdmin implements LedgerAdmin {
  private final LedgerSession db;
  private final Clock clock;
  private final LedgerPruning pruning;

  SqlLedgerAdmin(LedgerSession db, Clock clock) {
    this.db = db;
    this.clock = clock;
    this.pruning = new SqlLedgerPruning(db, this, clock);
  }

  @Override
  public LedgerPruning pruning() {
    return pruning;
  }

  @Override
  public synchronized boolean restoreFinished(String source, String id, String contentHash, String payload,
      ItemState state, int attempts, Instant finishedAt, Integer exitCode, String detail) {
    if (state != ItemState.SUCCEEDED && state != ItemState.DEAD) {
      throw new IllegalArgumentException("only a finished item can be restored, not " + state.wireName());
    }
    long now = clock.millis();
    long at = finishedAt == null ? now : finishedAt.toEpochMilli();
    return db.inTransaction("restore " + source + "/" + id, () -> {
      try (PreparedStatement ins = db.connection().prepareStatement(
          "INSERT INTO items (source, item_id, content_hash, payload, state, attempts, next_attempt_at,"
              + " first_seen_at, updated_at, last_finished_at, last_exit_code, last_error)"
              + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING seq")) {
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
        try (ResultSet rs = ins.executeQuery()) {
          if (!rs.next()) {
            return false; // the ledger holds that version already
          }
          db.transition(rs.getLong(1), now, null, state, attempts, exitCode, "restored from its result file");
        }
      }
      return true;
    });
  }

  @Override
  public synchronized void close() {
    db.close();
  }
}
